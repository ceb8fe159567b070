"""The reference SDK's `agents.usage` module path: token usage."""

from ._usage import InputTokensDetails as InputTokensDetails
from ._usage import OutputTokensDetails as OutputTokensDetails
from ._usage import RequestUsage as RequestUsage
from ._usage import Usage as Usage

__all__ = ["InputTokensDetails", "OutputTokensDetails", "RequestUsage", "Usage"]
