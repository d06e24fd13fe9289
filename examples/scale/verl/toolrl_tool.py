# A verl tool that runs one call on a toolrl tool server (`POST /tools/<name>`); put this file on PYTHONPATH.
# Checked against volcengine/verl: verl/tools/base_tool.py (BaseTool.execute's return), verl/tools/schemas.py
# (ToolResponse) and verl/tools/utils/tool_registry.py (class_name import, config.type). Not run here.
import asyncio

import requests

from verl.tools.base_tool import BaseTool
from verl.tools.schemas import ToolResponse


class ToolrlTool(BaseTool):
    """config: url (the server), token (optional); the tool's name is tool_schema.function.name."""

    async def execute(self, instance_id, parameters, **kwargs):
        headers = {"Content-Type": "application/json"}
        if self.config.get("token"):
            headers["Authorization"] = f"Bearer {self.config['token']}"
        url = f"{self.config['url']}/tools/{self.name}"
        response = await asyncio.to_thread(requests.post, url, json={"arguments": parameters}, headers=headers, timeout=60)
        body = response.json()
        # 200: {"text", "error"} (a tool exception is text too); 4xx: {"error": {"code", "message"}}
        text = body["text"] if "text" in body else f"Tool error: {body['error']['message']}"
        return ToolResponse(text=text), 0.0, {}
