"""Tools from an MCP server: the agent calls a stdio server's tools like its own.

Run it: python examples/mcp_tools.py  (add --trio to run on trio). Needs the mcp extra:
pip install 'structagents[mcp]'.

The server is this same file started with --server: an `mcp` SDK server (FastMCP, named
`MCPServer` in mcp 2) with two tools. The agent's model is scripted; it asks for both stock
levels at once (the two MCP calls run in parallel), then reserves what is in stock.
"""

from __future__ import annotations

import sys

import anyio

from structagents import Agent, Runner, RunResult, ToolCallOutputItem
from structagents.mcp import MCPServerStdio
from structagents.testing import ScriptedModel, function_call

STOCK = {"scarf": 5, "boots": 0}


def serve() -> None:
    """The MCP server: `stock` and `reserve`, over stdin/stdout."""
    from mcp.server.mcpserver import MCPServer as FastMCP

    server = FastMCP("inventory", log_level="ERROR")

    @server.tool()
    def stock(item: str) -> int:
        """How many of an item are in stock."""
        return STOCK.get(item, 0)

    @server.tool()
    def reserve(item: str, quantity: int = 1) -> str:
        """Reserve some of an item."""
        if STOCK.get(item, 0) < quantity:
            raise ValueError(f"only {STOCK.get(item, 0)} {item} left")
        STOCK[item] -= quantity
        return f"reserved {quantity} {item}"

    server.run("stdio")


def scripted_model() -> ScriptedModel:
    # A real app would use a real model; ScriptedModel replays the replies a model would give.
    return ScriptedModel(
        [
            [
                function_call("stock", {"item": "scarf"}, call_id="call_1"),
                function_call("stock", {"item": "boots"}, call_id="call_2"),
            ],
            [function_call("reserve", {"item": "scarf", "quantity": 2}, call_id="call_3")],
            "Reserved 2 scarves. The boots are sold out.",
        ]
    )


async def main() -> RunResult:
    inventory = MCPServerStdio(
        {"command": sys.executable, "args": [__file__, "--server"]},
        name="inventory",
        cache_tools_list=True,  # the tools never change: list them once
    )
    # The server process lives as long as this block, which encloses every run that uses it.
    async with inventory:
        agent = Agent(
            name="Shop assistant",
            instructions="Check stock before reserving anything.",
            model=scripted_model(),
            mcp_servers=[inventory],
            mcp_config={"convert_schemas_to_strict": True},
        )
        result = await Runner.run(agent, "Reserve two scarves and two pairs of boots.")
    for item in result.new_items:
        if isinstance(item, ToolCallOutputItem):
            print(f"{item.raw_item['call_id']}: {item.output}")
    print(result.final_output)
    return result


if __name__ == "__main__":
    if "--server" in sys.argv:
        serve()
    else:
        anyio.run(main, backend="trio" if "--trio" in sys.argv else "asyncio")
