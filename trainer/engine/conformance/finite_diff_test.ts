import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatComparisons } from "./compare.ts";
import { checkGradients, gradCases } from "./finite_diff.ts";

for (const gradCase of gradCases) {
  test(`the ${gradCase.name} backward matches central differences`, () => {
    const comparisons = checkGradients(gradCase);
    if (!comparisons.every((c) => c.ok)) console.log(formatComparisons(comparisons));
    assert.ok(comparisons.every((c) => c.ok));
    assert.ok(comparisons.some((c) => c.maxAbsDiff < 1e-6));
  });
}

test("checkGradients notices a wrong backward", () => {
  const wrong = { ...gradCases[3], backward: () => undefined };
  assert.ok(checkGradients(wrong).some((c) => !c.ok));
});

test.run();
