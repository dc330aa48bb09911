//! The protobuf wire format, enough to edit an ONNX graph's bytes without an ONNX schema: split
//! a message into its fields, write fields back, and rewrite one nested field while every other
//! byte is copied unchanged. Graph surgery at load time (the sentence encoder's tokenizer cut,
//! the OCR recognizer's free height) builds on it.

use crate::{Error, Result};

fn bad(what: impl std::fmt::Display) -> Error {
    Error::Wire(what.to_string())
}

/// One field of a protobuf message: its number, wire type, the whole encoded entry, and the
/// payload (the bytes of a length-delimited value, or the value bytes of the others).
pub struct Field<'a> {
    pub num: u32,
    pub wire: u8,
    pub raw: &'a [u8],
    pub body: &'a [u8],
}

pub fn varint(buf: &[u8], pos: &mut usize) -> Result<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *buf.get(*pos).ok_or_else(|| bad("truncated protobuf"))?;
        *pos += 1;
        v |= ((b & 0x7f) as u64) << shift;
        if b < 0x80 {
            return Ok(v);
        }
    }
    Err(bad("bad varint"))
}

/// The fields of one message, in the order they are written.
pub fn fields(buf: &[u8]) -> Result<Vec<Field<'_>>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        let start = pos;
        let key = varint(buf, &mut pos)?;
        let (num, wire) = ((key >> 3) as u32, (key & 7) as u8);
        let body_start;
        match wire {
            0 => {
                body_start = pos;
                varint(buf, &mut pos)?;
            }
            1 => {
                body_start = pos;
                pos = pos.saturating_add(8);
            }
            2 => {
                let len = usize::try_from(varint(buf, &mut pos)?)
                    .map_err(|_| bad("truncated protobuf"))?;
                body_start = pos;
                pos = pos.saturating_add(len);
            }
            5 => {
                body_start = pos;
                pos = pos.saturating_add(4);
            }
            _ => return Err(bad(format!("unsupported wire type {wire}"))),
        }
        if pos > buf.len() {
            return Err(bad("truncated protobuf"));
        }
        out.push(Field {
            num,
            wire,
            raw: &buf[start..pos],
            body: &buf[body_start..pos],
        });
    }
    Ok(out)
}

pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Writes a length-delimited field.
pub fn put_len(out: &mut Vec<u8>, num: u32, payload: &[u8]) {
    put_varint(out, ((num as u64) << 3) | 2);
    put_varint(out, payload.len() as u64);
    out.extend_from_slice(payload);
}

/// Writes a varint field.
pub fn put_uint(out: &mut Vec<u8>, num: u32, v: u64) {
    put_varint(out, (num as u64) << 3);
    put_varint(out, v);
}

/// One step of a path into a message: a field number, and which of the fields with that number
/// to take (the first whose body the test accepts).
pub type Step<'a> = (u32, &'a dyn Fn(&[u8]) -> bool);

/// Rewrites the message reached by `path` inside `buf`: each step picks a length-delimited
/// field by number, and among those with that number the first whose body `pick` accepts.
/// `edit` gets that message's body and returns its new one; every enclosing length is written
/// anew, every other byte is copied. Fails when a step finds no field.
pub fn rewrite(
    buf: &[u8],
    path: &[Step<'_>],
    edit: &dyn Fn(&[u8]) -> Result<Vec<u8>>,
) -> Result<Vec<u8>> {
    let Some(((num, pick), rest)) = path.split_first() else {
        return edit(buf);
    };
    let mut out = Vec::with_capacity(buf.len() + 16);
    let mut done = false;
    for f in fields(buf)? {
        if !done && f.num == *num && f.wire == 2 && pick(f.body) {
            put_len(&mut out, f.num, &rewrite(f.body, rest, edit)?);
            done = true;
        } else {
            out.extend_from_slice(f.raw);
        }
    }
    if done {
        Ok(out)
    } else {
        Err(bad(format!("no field {num} on the path")))
    }
}

/// One axis of a tensor's shape as the graph declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dim {
    Fixed(u64),
    Named(String),
    Unknown,
}

/// The name and declared shape of the graph's first input, read from the bytes without
/// building a session.
pub fn first_input(model: &[u8]) -> Result<(String, Vec<Dim>)> {
    inputs(model)?
        .into_iter()
        .next()
        .ok_or_else(|| bad("the graph has no input"))
}

/// The name and declared shape of each graph input, in order.
pub fn inputs(model: &[u8]) -> Result<Vec<(String, Vec<Dim>)>> {
    let graph = child(model, 7)?.ok_or_else(|| bad("no graph"))?;
    fields(&graph)?
        .into_iter()
        .filter(|f| f.num == 11 && f.wire == 2)
        .map(|f| value_info(f.body))
        .collect()
}

/// The first length-delimited field `num` of a message.
fn child(body: &[u8], num: u32) -> Result<Option<Vec<u8>>> {
    Ok(fields(body)?
        .into_iter()
        .find(|f| f.num == num && f.wire == 2)
        .map(|f| f.body.to_vec()))
}

/// A ValueInfoProto's name and declared shape.
fn value_info(input: &[u8]) -> Result<(String, Vec<Dim>)> {
    let name = String::from_utf8_lossy(&child(input, 1)?.unwrap_or_default()).into_owned();
    // ValueInfoProto.type → TypeProto.tensor_type → Tensor.shape; a shape may be left out.
    let mut shape = input.to_vec();
    for num in [2, 1, 2] {
        match child(&shape, num)? {
            Some(body) => shape = body,
            None => return Ok((name, Vec::new())),
        }
    }
    let dims = fields(&shape)?
        .into_iter()
        .filter(|f| f.num == 1 && f.wire == 2)
        .map(|d| {
            let first = fields(d.body)?
                .into_iter()
                .find(|x| x.num == 1 || x.num == 2);
            Ok(match first {
                Some(x) if x.num == 1 && x.wire == 0 => Dim::Fixed(varint(x.body, &mut 0)?),
                Some(x) if x.num == 2 => Dim::Named(String::from_utf8_lossy(x.body).into_owned()),
                _ => Dim::Unknown,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((name, dims))
}

/// Makes axis `axis` of the graph input named `input` symbolic (`dim_param` = `name`), where
/// the exporter fixed it. A fully convolutional graph then runs at other sizes on that axis.
pub fn free_input_dim(model: &[u8], input: &str, axis: usize, name: &str) -> Result<Vec<u8>> {
    let any = |_: &[u8]| true;
    let named = |body: &[u8]| {
        fields(body).is_ok_and(|fs| fs.iter().any(|f| f.num == 1 && f.body == input.as_bytes()))
    };
    // ModelProto.graph → GraphProto.input → ValueInfoProto.type → TypeProto.tensor_type →
    // Tensor.shape, whose dims are field 1.
    let path: [Step<'_>; 5] = [(7, &any), (11, &named), (2, &any), (1, &any), (2, &any)];
    rewrite(model, &path, &|shape| {
        let mut out = Vec::with_capacity(shape.len() + name.len());
        let mut seen = 0;
        for f in fields(shape)? {
            if f.num == 1 && f.wire == 2 {
                if seen == axis {
                    let mut dim = Vec::new();
                    put_len(&mut dim, 2, name.as_bytes()); // Dimension.dim_param
                    // Keep a denotation (field 3) where there is one.
                    for d in fields(f.body)?.iter().filter(|d| d.num == 3) {
                        dim.extend_from_slice(d.raw);
                    }
                    put_len(&mut out, 1, &dim);
                } else {
                    out.extend_from_slice(f.raw);
                }
                seen += 1;
            } else {
                out.extend_from_slice(f.raw);
            }
        }
        if seen <= axis {
            return Err(bad(format!(
                "input {input} has {seen} axes, not {}",
                axis + 1
            )));
        }
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ModelProto { ir_version, graph { name, input x [1, 3, 48, W], input y } }.
    fn model() -> Vec<u8> {
        let dim_value = |v: u64| {
            let mut d = Vec::new();
            put_uint(&mut d, 1, v);
            d
        };
        let dim_param = |p: &str| {
            let mut d = Vec::new();
            put_len(&mut d, 2, p.as_bytes());
            d
        };
        let input = |name: &str, dims: &[Vec<u8>]| {
            let mut shape = Vec::new();
            for d in dims {
                put_len(&mut shape, 1, d);
            }
            let mut tensor = Vec::new();
            put_uint(&mut tensor, 1, 1);
            put_len(&mut tensor, 2, &shape);
            let mut ty = Vec::new();
            put_len(&mut ty, 1, &tensor);
            let mut vi = Vec::new();
            put_len(&mut vi, 1, name.as_bytes());
            put_len(&mut vi, 2, &ty);
            vi
        };
        let mut graph = Vec::new();
        put_len(&mut graph, 2, b"g");
        put_len(&mut graph, 11, &input("y", &[dim_value(7)]));
        put_len(
            &mut graph,
            11,
            &input(
                "x",
                &[dim_value(1), dim_value(3), dim_value(48), dim_param("W")],
            ),
        );
        let mut m = Vec::new();
        put_uint(&mut m, 1, 8);
        put_len(&mut m, 7, &graph);
        m
    }

    fn dims(model: &[u8], input: &str) -> Vec<String> {
        let (_, dims) = inputs(model)
            .unwrap()
            .into_iter()
            .find(|(name, _)| name == input)
            .unwrap();
        dims.into_iter()
            .map(|d| match d {
                Dim::Fixed(v) => v.to_string(),
                Dim::Named(p) => p,
                Dim::Unknown => "?".into(),
            })
            .collect()
    }

    #[test]
    fn the_first_input_is_read_from_the_bytes() {
        let (name, dims) = first_input(&model()).unwrap();
        assert_eq!(name, "y");
        assert_eq!(dims, [Dim::Fixed(7)]);
        let freed = free_input_dim(&model(), "y", 0, "n").unwrap();
        assert_eq!(first_input(&freed).unwrap().1, [Dim::Named("n".into())]);
        assert!(first_input(&[0x0a]).is_err());
    }

    #[test]
    fn one_axis_becomes_symbolic_and_the_rest_is_kept() {
        let m = model();
        assert_eq!(dims(&m, "x"), ["1", "3", "48", "W"]);
        let freed = free_input_dim(&m, "x", 2, "H").unwrap();
        assert_eq!(dims(&freed, "x"), ["1", "3", "H", "W"]);
        assert_eq!(dims(&freed, "y"), ["7"]);
        // The model's other fields survive byte for byte.
        assert_eq!(fields(&freed).unwrap()[0].raw, fields(&m).unwrap()[0].raw);
    }

    #[test]
    fn a_missing_input_or_axis_is_an_error() {
        let m = model();
        assert!(free_input_dim(&m, "z", 2, "H").is_err());
        assert!(free_input_dim(&m, "x", 4, "H").is_err());
        assert!(free_input_dim(&m[..m.len() - 3], "x", 2, "H").is_err());
    }
}
