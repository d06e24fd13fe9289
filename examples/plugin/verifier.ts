/** The verifier of the example plugin: 1 when the model's final number is within 1% of the sample's answer. */
import { defineVerifier, lastModelText, lastNumber, type Sample } from "../../mod.ts";

/** 1 when the last number of the model's last turn is within 1% of the answer (and the episode ended by itself). */
export const closeEnough = defineVerifier<Sample & { answer: number }>({
  name: "unit_convert_close",
  score: (episode, sample) => {
    const given = lastNumber(lastModelText(episode));
    if (episode.status !== "done" || given === null) return 0;
    return Math.abs(given - sample.answer) <= 0.01 * Math.abs(sample.answer) ? 1 : 0;
  },
});
