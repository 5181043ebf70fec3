//! Reader of CTranslate2 `model.bin` files (binary format version 6).
//!
//! The layout is little-endian. The header is a u32 format version, the spec name, a u32 spec
//! revision and a u32 variable count. Each variable is its name, a u8 rank, rank x u32
//! dimensions, a u8 dtype, a u32 byte count and the raw data. A u32 alias count and
//! (alias, target) name pairs follow. Strings are a u16 byte length followed by the bytes, the
//! last of which is NUL.

use std::collections::BTreeMap;
use std::io::{self, Read, Seek, SeekFrom};

use half::{bf16, f16};

use super::ConvertError;

const SUPPORTED_FORMAT_VERSION: u32 = 6;
const MAX_RANK: u8 = 8;

/// Element type of a CTranslate2 variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DType {
    F32,
    I8,
    I16,
    I32,
    F16,
    BF16,
}

impl DType {
    fn from_code(code: u8) -> Option<DType> {
        Some(match code {
            0 => DType::F32,
            1 => DType::I8,
            2 => DType::I16,
            3 => DType::I32,
            4 => DType::F16,
            5 => DType::BF16,
            _ => return None,
        })
    }

    /// Size of one element in bytes.
    pub fn size(self) -> usize {
        match self {
            DType::I8 => 1,
            DType::I16 | DType::F16 | DType::BF16 => 2,
            DType::F32 | DType::I32 => 4,
        }
    }
}

/// A variable's metadata and the position of its data in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    /// Dimensions, outermost first (row-major).
    pub shape: Vec<usize>,
    pub dtype: DType,
    /// Byte offset of the data from the start of the file.
    pub offset: u64,
}

impl Variable {
    pub fn element_count(&self) -> usize {
        self.shape.iter().product()
    }

    /// Number of elements in one step of the outermost dimension (1 for scalars and 1-D).
    pub fn row_len(&self) -> usize {
        self.shape.iter().skip(1).product()
    }

    /// Size of the outermost dimension (1 for scalars).
    pub fn row_count(&self) -> usize {
        self.shape.first().copied().unwrap_or(1)
    }
}

/// An open `model.bin` and its variable index. Tensor data is read on demand.
pub struct Ct2Model<R> {
    reader: R,
    pub spec: String,
    pub revision: u32,
    variables: BTreeMap<String, Variable>,
    /// Alias name to target variable name.
    aliases: BTreeMap<String, String>,
}

impl<R> Ct2Model<R> {
    /// Returns the stored variables (aliases excluded), sorted by name.
    pub fn variables(&self) -> impl Iterator<Item = &Variable> {
        self.variables.values()
    }

    /// Returns the alias names and the variables they refer to.
    pub fn aliases(&self) -> &BTreeMap<String, String> {
        &self.aliases
    }

    /// Returns a variable by name, following an alias.
    pub fn variable(&self, name: &str) -> Result<&Variable, ConvertError> {
        let target = self.aliases.get(name).map(String::as_str).unwrap_or(name);
        self.variables
            .get(target)
            .ok_or_else(|| ConvertError::Ct2(format!("variable {name} is missing")))
    }
}

impl<R: Read + Seek> Ct2Model<R> {
    /// Reads the header and the variable index, seeking over the tensor data.
    pub fn open(mut reader: R) -> Result<Ct2Model<R>, ConvertError> {
        let file_len = reader.seek(SeekFrom::End(0))?;
        reader.seek(SeekFrom::Start(0))?;

        let version = read_u32(&mut reader)?;
        if version != SUPPORTED_FORMAT_VERSION {
            return Err(ConvertError::Ct2(format!(
                "format version {version} is not supported (expected {SUPPORTED_FORMAT_VERSION})"
            )));
        }
        let spec = read_string(&mut reader)?;
        let revision = read_u32(&mut reader)?;
        let variable_count = read_u32(&mut reader)?;

        let mut variables = BTreeMap::new();
        for _ in 0..variable_count {
            let name = read_string(&mut reader)?;
            let rank = read_u8(&mut reader)?;
            if rank > MAX_RANK {
                return Err(ConvertError::Ct2(format!(
                    "variable {name} has rank {rank}, more than {MAX_RANK}"
                )));
            }
            let mut shape = Vec::with_capacity(rank as usize);
            for _ in 0..rank {
                shape.push(read_u32(&mut reader)? as usize);
            }
            let dtype_code = read_u8(&mut reader)?;
            let dtype = DType::from_code(dtype_code).ok_or_else(|| {
                ConvertError::Ct2(format!(
                    "variable {name} has unknown dtype code {dtype_code}"
                ))
            })?;
            let byte_len = read_u32(&mut reader)? as u64;
            let offset = reader.stream_position()?;

            let element_count: usize = shape.iter().product();
            if byte_len != (element_count * dtype.size()) as u64 {
                return Err(ConvertError::Ct2(format!(
                    "variable {name} has {byte_len} bytes of data but shape {shape:?} of {dtype:?} needs {}",
                    element_count * dtype.size()
                )));
            }
            if offset + byte_len > file_len {
                return Err(ConvertError::Ct2(format!(
                    "variable {name} ends at byte {} but the file has {file_len} bytes (truncated download?)",
                    offset + byte_len
                )));
            }
            reader.seek(SeekFrom::Current(byte_len as i64))?;
            let variable = Variable {
                name: name.clone(),
                shape,
                dtype,
                offset,
            };
            if variables.insert(name.clone(), variable).is_some() {
                return Err(ConvertError::Ct2(format!("variable {name} appears twice")));
            }
        }

        let mut aliases = BTreeMap::new();
        if reader.stream_position()? < file_len {
            let alias_count = read_u32(&mut reader)?;
            for _ in 0..alias_count {
                let alias = read_string(&mut reader)?;
                let target = read_string(&mut reader)?;
                if !variables.contains_key(&target) {
                    return Err(ConvertError::Ct2(format!(
                        "alias {alias} refers to missing variable {target}"
                    )));
                }
                aliases.insert(alias, target);
            }
        }
        if reader.stream_position()? != file_len {
            return Err(ConvertError::Ct2(
                "unexpected bytes after the alias table".to_string(),
            ));
        }

        Ok(Ct2Model {
            reader,
            spec,
            revision,
            variables,
            aliases,
        })
    }

    /// Reads `row_count` rows of a floating-point variable, starting at `first_row`, as f32.
    pub fn read_rows_f32(
        &mut self,
        name: &str,
        first_row: usize,
        row_count: usize,
    ) -> Result<Vec<f32>, ConvertError> {
        let variable = self.variable(name)?.clone();
        if first_row + row_count > variable.row_count() {
            return Err(ConvertError::Ct2(format!(
                "rows {first_row}..{} are out of range for variable {name} of shape {:?}",
                first_row + row_count,
                variable.shape
            )));
        }
        let element_size = variable.dtype.size();
        let start = variable.offset + (first_row * variable.row_len() * element_size) as u64;
        let mut bytes = vec![0u8; row_count * variable.row_len() * element_size];
        self.reader.seek(SeekFrom::Start(start))?;
        self.reader.read_exact(&mut bytes)?;

        let values = match variable.dtype {
            DType::F32 => bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            DType::F16 => bytes
                .chunks_exact(2)
                .map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            DType::BF16 => bytes
                .chunks_exact(2)
                .map(|b| bf16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            other => {
                return Err(ConvertError::Unsupported(format!(
                    "variable {name} has dtype {other:?}; only f32, f16 and bf16 weights can be converted"
                )))
            }
        };
        Ok(values)
    }

    /// Reads an integer scalar such as `encoder/num_heads`, or a flag stored as i8.
    pub fn read_scalar_int(&mut self, name: &str) -> Result<i64, ConvertError> {
        let variable = self.variable(name)?.clone();
        if variable.element_count() != 1 {
            return Err(ConvertError::Ct2(format!(
                "variable {name} should be a scalar but has shape {:?}",
                variable.shape
            )));
        }
        let mut bytes = vec![0u8; variable.dtype.size()];
        self.reader.seek(SeekFrom::Start(variable.offset))?;
        self.reader.read_exact(&mut bytes)?;
        Ok(match variable.dtype {
            DType::I8 => i8::from_le_bytes([bytes[0]]) as i64,
            DType::I16 => i16::from_le_bytes([bytes[0], bytes[1]]) as i64,
            DType::I32 => i32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as i64,
            other => {
                return Err(ConvertError::Ct2(format!(
                    "variable {name} should be an integer but has dtype {other:?}"
                )))
            }
        })
    }
}

fn read_u8(reader: &mut impl Read) -> Result<u8, ConvertError> {
    let mut bytes = [0u8; 1];
    read_header_bytes(reader, &mut bytes)?;
    Ok(bytes[0])
}

fn read_u32(reader: &mut impl Read) -> Result<u32, ConvertError> {
    let mut bytes = [0u8; 4];
    read_header_bytes(reader, &mut bytes)?;
    Ok(u32::from_le_bytes(bytes))
}

fn read_string(reader: &mut impl Read) -> Result<String, ConvertError> {
    let mut length = [0u8; 2];
    read_header_bytes(reader, &mut length)?;
    let mut bytes = vec![0u8; u16::from_le_bytes(length) as usize];
    read_header_bytes(reader, &mut bytes)?;
    if bytes.pop() != Some(0) {
        return Err(ConvertError::Ct2(
            "a name is not NUL-terminated".to_string(),
        ));
    }
    String::from_utf8(bytes).map_err(|_| ConvertError::Ct2("a name is not valid UTF-8".to_string()))
}

/// Reads index bytes, reporting a short read as a truncated file rather than an I/O error.
fn read_header_bytes(reader: &mut impl Read, bytes: &mut [u8]) -> Result<(), ConvertError> {
    reader.read_exact(bytes).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => {
            ConvertError::Ct2("the file ends inside the header (truncated download?)".to_string())
        }
        _ => ConvertError::Io(e),
    })
}
