/** The OpenAI-compatible `/v1/completions` policy (vLLM, SGLang, llama.cpp server, lmdeploy). */
export * from "./openai_policy.ts";
