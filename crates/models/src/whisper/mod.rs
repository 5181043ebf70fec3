//! Conversion of Whisper weights from the CTranslate2 format (faster-whisper's `model.bin`)
//! to the ggml file that whisper.cpp loads.
//!
//! No registry package ships a whisper.cpp model, but some ship CTranslate2 ones. The rewrite
//! is mechanical: hyper-parameters come from tensor shapes and the `num_heads` scalars, names
//! map one to one, the fused attention projections are split, and the tensors are stored in
//! the types the whisper.cpp 1.8.3 loader expects (see `tensor_plan`).

pub mod ct2;
pub mod ggml;
pub mod npy;
pub mod quant;
pub mod tiktoken;

mod convert;

use std::fmt;
use std::io;

use serde::Deserialize;

pub use convert::{convert, ConversionSummary};
pub use ggml::{GgmlType, HParams};

/// Storage type of the 2-D weight matrices of a converted model.
///
/// Whatever this type, 1-D tensors, conv biases and positional embeddings are f32, and the
/// conv kernels are f16 (f32 when this type is f32).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum WeightType {
    #[serde(rename = "f32")]
    F32,
    #[serde(rename = "f16")]
    F16,
    #[serde(rename = "q8_0")]
    Q8_0,
    #[serde(rename = "q5_1")]
    Q5_1,
}

/// ggml's quantization format version (`GGML_QNT_VERSION` in ggml 0.9.5). Quantized files
/// store `ftype + 1000 * version` in the `ftype` field.
const QUANTIZATION_VERSION: i32 = 2;

impl WeightType {
    pub fn ggml_type(self) -> GgmlType {
        match self {
            WeightType::F32 => GgmlType::F32,
            WeightType::F16 => GgmlType::F16,
            WeightType::Q8_0 => GgmlType::Q8_0,
            WeightType::Q5_1 => GgmlType::Q5_1,
        }
    }

    /// The `ftype` hyper-parameter: `ggml_ftype` (`GGML_FTYPE_ALL_F32` 0, `MOSTLY_F16` 1,
    /// `MOSTLY_Q8_0` 7, `MOSTLY_Q5_1` 9) plus the quantization version for quantized types.
    pub fn ftype(self) -> i32 {
        match self {
            WeightType::F32 => 0,
            WeightType::F16 => 1,
            WeightType::Q8_0 => 7 + 1000 * QUANTIZATION_VERSION,
            WeightType::Q5_1 => 9 + 1000 * QUANTIZATION_VERSION,
        }
    }

    /// Type of the 3-D conv kernels, which whisper.cpp keeps unquantized.
    pub fn conv_type(self) -> GgmlType {
        match self {
            WeightType::F32 => GgmlType::F32,
            _ => GgmlType::F16,
        }
    }
}

impl fmt::Display for WeightType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WeightType::F32 => "f32",
            WeightType::F16 => "f16",
            WeightType::Q8_0 => "q8_0",
            WeightType::Q5_1 => "q5_1",
        })
    }
}

/// Errors of reading the conversion inputs or writing the ggml file.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("invalid CTranslate2 model: {0}")]
    Ct2(String),
    #[error("unsupported CTranslate2 Whisper model: {0}")]
    Unsupported(String),
    #[error("invalid tiktoken vocabulary: {0}")]
    Vocabulary(String),
    #[error("invalid mel filters: {0}")]
    MelFilters(String),
    #[error("invalid ggml file: {0}")]
    Ggml(String),
}
