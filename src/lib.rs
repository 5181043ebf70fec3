//! Standardiste: an AI phone receptionist that runs on a small board.
//!
//! A call flows from a [`line`] through the [`speech`] listener (VAD and
//! endpointing) to speech-to-text, the [`agent`] (LLM and prompt), speech
//! synthesis and back to the line, while the [`call`] loop records both sides
//! and the [`store`] keeps every turn.

pub mod agent;
pub mod answering;
pub mod audio;
mod bench;
mod bench_lines;
mod bench_scenarios;
pub mod call;
pub mod cli;
mod cli_bookings;
mod cli_chat;
mod cli_data;
mod cli_logs;
mod cli_lines;
mod cli_models;
pub mod config;
pub mod doctor;
pub mod line;
pub mod profile;
pub mod recap;
pub mod retention;
pub mod scenario;
pub mod serve;
pub mod service;
pub mod speech;
pub mod web;

pub use standardiste_store as store;
