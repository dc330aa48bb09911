//! Tensors in and out of graphs whose float type (f32 or f16) is read from the graph: the host
//! always works in f32 and converts at the edge.

use half::f16;
use ort::value::{DynValue, Tensor, TensorElementType, ValueType};

use crate::Result;

/// The float type of a graph input or output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Float {
    F32,
    F16,
}

impl Float {
    /// The float type of a tensor type; `None` for anything that is not f32 or f16.
    pub fn of(t: &ValueType) -> Option<Float> {
        match t {
            ValueType::Tensor {
                ty: TensorElementType::Float32,
                ..
            } => Some(Float::F32),
            ValueType::Tensor {
                ty: TensorElementType::Float16,
                ..
            } => Some(Float::F16),
            _ => None,
        }
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            Float::F32 => 4,
            Float::F16 => 2,
        }
    }
}

/// A float tensor of type `kind` from f32 values.
pub fn float_tensor(kind: Float, shape: Vec<i64>, data: Vec<f32>) -> Result<DynValue> {
    Ok(match kind {
        Float::F32 => Tensor::from_array((shape, data))?.into_dyn(),
        Float::F16 => Tensor::from_array((
            shape,
            data.into_iter().map(f16::from_f32).collect::<Vec<_>>(),
        ))?
        .into_dyn(),
    })
}

pub fn i64_tensor(shape: Vec<i64>, data: Vec<i64>) -> Result<DynValue> {
    Ok(Tensor::from_array((shape, data))?.into_dyn())
}

/// Reads a float tensor of either type as f32, with its shape.
/// A tensor on a device is copied to the host first.
pub fn read_floats(v: &DynValue) -> Result<(Vec<i64>, Vec<f32>)> {
    let v = &*crate::device::to_host(v)?;
    if let Ok((shape, data)) = v.try_extract_tensor::<f32>() {
        return Ok((shape.to_vec(), data.to_vec()));
    }
    let (shape, data) = v.try_extract_tensor::<f16>()?;
    Ok((shape.to_vec(), data.iter().map(|x| x.to_f32()).collect()))
}

/// The last `keep` rows of a `[.., rows, width]` float tensor as f32, without copying the rest
/// (a prefill returns logits for every position, and only the last is wanted).
pub fn read_last_rows(v: &DynValue, keep: usize) -> Result<(Vec<i64>, Vec<f32>)> {
    let v = &*crate::device::to_host(v)?;
    fn tail<T: Copy>(shape: &[i64], data: &[T], keep: usize) -> Vec<T> {
        let width = *shape.last().unwrap_or(&1) as usize;
        let rows = data.len() / width.max(1);
        data[(rows - keep.min(rows)) * width..].to_vec()
    }
    if let Ok((shape, data)) = v.try_extract_tensor::<f32>() {
        return Ok((shape.to_vec(), tail(shape, data, keep)));
    }
    let (shape, data) = v.try_extract_tensor::<f16>()?;
    let rows = tail(shape, data, keep);
    Ok((shape.to_vec(), rows.iter().map(|x| x.to_f32()).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_go_through_either_type() {
        crate::tests::runtime();
        let values = vec![0.5, -2.0, 1024.0, 0.25, 3.0, -0.125];
        for kind in [Float::F32, Float::F16] {
            let t = float_tensor(kind, vec![3, 2], values.clone()).unwrap();
            assert_eq!(Float::of(t.dtype()), Some(kind));
            // These values are exact in f16 too.
            assert_eq!(read_floats(&t).unwrap(), (vec![3, 2], values.clone()));
            assert_eq!(
                read_last_rows(&t, 1).unwrap(),
                (vec![3, 2], vec![3.0, -0.125])
            );
            assert_eq!(read_last_rows(&t, 9).unwrap().1, values);
        }
        let ids = i64_tensor(vec![2], vec![7, 8]).unwrap();
        assert_eq!(Float::of(ids.dtype()), None);
        assert!(read_floats(&ids).is_err());
        assert_eq!((Float::F32.size(), Float::F16.size()), (4, 2));
    }
}
