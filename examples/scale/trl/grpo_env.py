# TRL GRPOTrainer in environment mode (`environment_factory`) on a toolrl task served by `toolrl serve --env`.
# Checked against huggingface/trl main (1.10.0.dev0): trl/trainer/grpo_trainer.py, trl/trainer/grpo_config.py,
# docs/source/grpo_trainer.md ("Environments") and docs/source/openenv.md. Not run here (no TRL installed).
import json

from datasets import Dataset
from websockets.sync.client import connect

from trl import GRPOConfig, GRPOTrainer

URL = "ws://127.0.0.1:8000/ws?token=TOKEN"  # npx toolrl serve --port 8000 --env calculator --token TOKEN
TASK = "calculator"


class ToolrlCalculatorEnv:
    """One toolrl /ws session per rollout; public methods are the tools TRL shows the model."""

    def __init__(self):
        self._ws = None
        self.reward, self.done = 0.0, False

    def _send(self, kind, data):
        self._ws.send(json.dumps({"type": kind, "data": data}))
        reply = json.loads(self._ws.recv())
        if reply["type"] == "error":
            raise RuntimeError(reply["data"]["message"])  # TRL feeds a tool's exception back to the model
        return reply["data"]

    def _take(self, result):
        if result["done"]:
            self.done, self.reward = True, result["reward"] or 0.0
        return result

    def reset(self, seed, **kwargs) -> str:
        if self._ws is None:
            self._ws = connect(URL)
        self.reward, self.done = 0.0, False
        # hermes: the session reads structured tool calls and plain final answers; TRL renders the chat itself
        result = self._send("reset", {"task": TASK, "seed": int(seed), "format": "hermes"})
        return result["observation"]["question"]  # appended to the dataset row's (empty) user message

    def calculator(self, expression: str) -> str:
        """
        Evaluates an arithmetic expression with + - * / ^ and parentheses and returns the number.

        Args:
            expression: Arithmetic on decimals with + - * / ^ and parentheses, e.g. 13 - 4

        Returns:
            The value of the expression, or a tool error.
        """
        call = {"name": "calculator", "arguments": {"expression": expression}}
        result = self._take(self._send("step", {"tool_calls": [call]}))
        return result["observation"]["tool_results"][0]["text"]

    def _finish(self, answer):
        if not self.done:
            self._take(self._send("step", {"text": answer}))
        return self.reward


def toolrl_reward(completions, environments, **kwargs):
    """The task's verifier, through the session: the final assistant message ends the toolrl episode."""
    # the last message is the model's answer, or a tool result when max_tool_calling_iterations cut it short
    finals = [c[-1]["content"] if c[-1]["role"] == "assistant" else "" for c in completions]
    return [env._finish(final) for final, env in zip(finals, environments)]


# One row per problem: the seed picks the sample, so the G completions of a group share it.
dataset = Dataset.from_dict({"prompt": [[{"role": "user", "content": ""}]] * 2000, "seed": list(range(2000))})

trainer = GRPOTrainer(
    model="Qwen/Qwen2.5-0.5B-Instruct",
    reward_funcs=toolrl_reward,
    train_dataset=dataset,
    environment_factory=ToolrlCalculatorEnv,
    args=GRPOConfig(
        output_dir="toolrl-calculator-grpo",
        num_generations=8,
        max_completion_length=512,
        max_tool_calling_iterations=4,
        log_completions=True,
    ),
)
trainer.train()
