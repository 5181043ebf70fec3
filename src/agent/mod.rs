//! The conversation: the LLM engine, the prompt built from the business
//! profile, and the cutting of streamed replies into speakable sentences.

pub mod conversation;
pub mod desk;
pub mod dialogue;
pub mod llm;
pub mod prompt;
pub mod reception;
mod saved_prompt;
pub mod sentences;
pub mod understand;
