"""`structagents bench`: our side of the benchmarks (benchmarks/ in the repository adds the
reference SDK). Imported only by the CLI and benchmarks/, never by the package.

- `_model`: `LeanModel`, the in-process fake model, and its scripts;
- `_measure`: best-of timing, peak memory, import time, the machine;
- `_results`: `Result`, `Sizes` and the workload and column names;
- `_workloads`: our side of each workload (`run_ours`); `_over_http`: the loopback-HTTP one;
- `_report`: the Markdown table, the targets and the JSON record;
- `_terminal`: the progress bar and the aligned tables; `_plot`: `--plot`;
- `_command`: the `bench` subcommand.
"""

from ._command import add_arguments as add_arguments
from ._command import load_tool as load_tool
from ._command import main as main
from ._measure import Gauge as Gauge
from ._measure import best_of as best_of
from ._measure import import_seconds as import_seconds
from ._measure import machine as machine
from ._measure import traced_peak as traced_peak
from ._model import LeanModel as LeanModel
from ._model import Script as Script
from ._model import next_step as next_step
from ._model import step_index as step_index
from ._model import tool_script as tool_script
from ._plot import plot as plot
from ._report import Target as Target
from ._report import check_targets as check_targets
from ._report import json_record as json_record
from ._report import render_table as render_table
from ._report import render_targets as render_targets
from ._results import COMMAND_WORKLOADS as COMMAND_WORKLOADS
from ._results import FULL as FULL
from ._results import OURS_ASYNCIO as OURS_ASYNCIO
from ._results import OURS_TRIO as OURS_TRIO
from ._results import QUICK as QUICK
from ._results import REFERENCE as REFERENCE
from ._results import WORKLOADS as WORKLOADS
from ._results import Result as Result
from ._results import Sizes as Sizes
from ._terminal import run_steps as run_steps
from ._workloads import flatness as flatness
from ._workloads import import_time as import_time
from ._workloads import many_runs_rows as many_runs_rows
from ._workloads import noop as noop
from ._workloads import run_ours as run_ours
from ._workloads import summarize_cancellation as summarize_cancellation

__all__ = [
    "COMMAND_WORKLOADS",
    "FULL",
    "OURS_ASYNCIO",
    "OURS_TRIO",
    "QUICK",
    "REFERENCE",
    "WORKLOADS",
    "Gauge",
    "LeanModel",
    "Result",
    "Script",
    "Sizes",
    "Target",
    "add_arguments",
    "best_of",
    "check_targets",
    "flatness",
    "import_seconds",
    "import_time",
    "json_record",
    "load_tool",
    "machine",
    "main",
    "many_runs_rows",
    "next_step",
    "noop",
    "plot",
    "render_table",
    "render_targets",
    "run_ours",
    "step_index",
    "summarize_cancellation",
    "tool_script",
    "traced_peak",
]
