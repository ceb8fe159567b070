"""The reference SDK's `agents.run_error_handlers` module path: run error handlers."""

from ._error_handlers import RunErrorData as RunErrorData
from ._error_handlers import RunErrorHandler as RunErrorHandler
from ._error_handlers import RunErrorHandlerInput as RunErrorHandlerInput
from ._error_handlers import RunErrorHandlerResult as RunErrorHandlerResult
from ._error_handlers import RunErrorHandlers as RunErrorHandlers

__all__ = [
    "RunErrorData",
    "RunErrorHandler",
    "RunErrorHandlerInput",
    "RunErrorHandlerResult",
    "RunErrorHandlers",
]
