# custom_reward_function.path=reward.py, custom_reward_function.name=compute_score: the signature verl's reward
# managers call (verl/workers/reward_manager/naive.py). Scores with the task's verifier through POST /reward.
import json
import re

import requests

URL, TOKEN = "http://127.0.0.1:8000", "TOKEN"


def turns(solution_str):
    """verl decodes the whole multi-turn response (tool results in <tool_response> blocks) as one text; split it
    into the model's turns and the tool's, so the verifier reads the model's last turn as the answer."""
    parts = re.split(r"(<tool_response>.*?</tool_response>)", solution_str, flags=re.S)
    return [{"role": "tool" if p.startswith("<tool_response>") else "assistant", "content": p} for p in parts if p.strip()]


def compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    item = {
        "task": data_source.split("/", 1)[1],  # data_source is "toolrl/<task>"
        "sample": json.loads(extra_info["sample"]),  # the exported row's sample
        "messages": turns(solution_str),
        "format": "hermes",
    }
    response = requests.post(f"{URL}/reward", json=item, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
    return response.json()["score"]
