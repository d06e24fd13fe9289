import { test } from "uvu";
import * as assert from "uvu/assert";
import { resolveTask } from "./setup.ts";

test("resolveTask() finds built-in tasks by name, also inside a plugin of another name", async () => {
  assert.is((await resolveTask("calculator", [])).name, "calculator");
  assert.is((await resolveTask("python-math", [])).name, "python-math");
});

test("resolveTask() finds a task of a --plugin module first", async () => {
  assert.is((await resolveTask("twice", ["./trainer/train/fixtures/twice_plugin.ts"])).name, "twice");
});

test("resolveTask() names the tasks it knows when the task is missing", async () => {
  try {
    await resolveTask("no-such-task", []);
    assert.unreachable("should have thrown");
  } catch (error) {
    assert.match((error as Error).message, /no task "no-such-task".*calculator/);
  }
});

test("resolveTask() suggests the nearest task for a misspelled name", async () => {
  const error = await resolveTask("calculater", []).catch((e: Error) => e);
  assert.match(String(error), /no task "calculater".*did you mean "calculator"\?/);
  const far = await resolveTask("zzzzzz", []).catch((e: Error) => e);
  assert.not.match(String(far), /did you mean/);
});

test.run();
