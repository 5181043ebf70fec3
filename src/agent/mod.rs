//! The conversation: the LLM engine, the prompt built from the business
//! profile, and the cutting of streamed replies into speakable sentences.

pub mod llm;
pub mod prompt;
pub mod sentences;
