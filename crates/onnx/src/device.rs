//! Tensors that stay where a session put them. Owns the memory a provider's outputs are bound
//! to, the copy back to the host when the host must read one, and three small graphs built in
//! memory at load time that re-lay float tensors on their device: left-pad and stack rows, pick
//! rows and trim columns, keep the last rows. With them a KV cache on a GPU is joined, trimmed
//! and read from without a round trip through host memory; on the CPU provider the same code
//! runs, so CI covers it.

use ort::editor::{Graph, Model, Node, ONNX_DOMAIN, Opset};
use ort::memory::{AllocationDevice, AllocatorType, MemoryInfo, MemoryType};
use ort::operator::Attribute;
use ort::session::Session;
use ort::value::{
    DynTensorValueType, DynValue, Outlet, Shape, SymbolicDimensions, TensorElementType, ValueType,
};

use crate::tensor::{Float, i64_tensor};
use crate::{Error, Provider, Result, Runtime, SessionOptions};

/// Where a session on `provider` keeps the outputs it is asked to keep on its device.
pub fn device_memory(provider: Provider) -> Result<MemoryInfo<'static>> {
    Ok(match provider {
        Provider::Cpu => MemoryInfo::new(
            AllocationDevice::CPU,
            0,
            AllocatorType::Device,
            MemoryType::Default,
        )?,
        Provider::Cuda { device } => MemoryInfo::new(
            AllocationDevice::CUDA,
            device,
            AllocatorType::Device,
            MemoryType::Default,
        )?,
    })
}

/// Host memory, for outputs the host reads.
pub fn host_memory() -> Result<MemoryInfo<'static>> {
    Ok(MemoryInfo::new(
        AllocationDevice::CPU,
        0,
        AllocatorType::Device,
        MemoryType::CPUOutput,
    )?)
}

/// Whether the host can read `v` in place.
pub fn on_host(v: &DynValue) -> bool {
    match v.view().downcast::<DynTensorValueType>() {
        Ok(t) => t.memory_info().is_cpu_accessible(),
        Err(_) => true,
    }
}

/// A tensor the host can read: the value itself, or a copy from its device.
pub enum Host<'a> {
    Here(&'a DynValue),
    Copied(DynValue),
}

impl std::ops::Deref for Host<'_> {
    type Target = DynValue;
    fn deref(&self) -> &DynValue {
        match self {
            Host::Here(v) => v,
            Host::Copied(v) => v,
        }
    }
}

/// `v` readable by the host: itself, or a copy from its device.
pub fn to_host(v: &DynValue) -> Result<Host<'_>> {
    if on_host(v) {
        return Ok(Host::Here(v));
    }
    let t = v
        .view()
        .downcast::<DynTensorValueType>()
        .map_err(|e| Error::Ort(e.to_string()))?;
    Ok(Host::Copied(t.to(AllocationDevice::CPU, 0)?.into_dyn()))
}

/// Bytes a tensor's data takes.
pub fn tensor_bytes(v: &DynValue) -> usize {
    match v.dtype() {
        ValueType::Tensor { ty, shape, .. } => {
            let n: i64 = shape.iter().product();
            ty.byte_size(n.max(0) as usize).unwrap_or(0)
        }
        _ => 0,
    }
}

fn element(float: Float) -> TensorElementType {
    match float {
        Float::F32 => TensorElementType::Float32,
        Float::F16 => TensorElementType::Float16,
    }
}

fn outlet(name: &str, ty: TensorElementType, rank: usize) -> Outlet {
    Outlet::new(
        name,
        ValueType::Tensor {
            ty,
            shape: Shape::new(vec![-1; rank]),
            dimension_symbols: SymbolicDimensions::empty(rank),
        },
    )
}

fn indices(name: &str) -> Outlet {
    outlet(name, TensorElementType::Int64, 1)
}

/// `out_0` … `out_{n-1}` of a run, in order.
fn take_outputs(
    mut out: ort::session::SessionOutputs<'_>,
    n: usize,
    what: &str,
) -> Result<Vec<DynValue>> {
    (0..n)
        .map(|i| {
            out.remove(format!("out_{i}"))
                .ok_or_else(|| Error::Ort(format!("{what}: no out_{i}")))
        })
        .collect()
}

/// The three re-layout graphs for `n` float tensors of one type and rank, on one provider.
pub struct Relayout {
    /// `a_i`, `b_i`, `pad_a`, `pad_b` → `out_i = Concat(Pad(a_i, pad_a), Pad(b_i, pad_b), axis 0)`.
    stack: Session,
    /// `x_i`, `rows`, `starts`, `ends`, `axes` → `out_i = Slice(Gather(x_i, rows, axis 0), …)`.
    pick: Session,
    /// `x`, `starts`, `ends`, `axes` → `Slice(x, …)`, read by the host.
    tail: Session,
    n: usize,
    rank: usize,
    device: MemoryInfo<'static>,
    host: MemoryInfo<'static>,
}

impl Relayout {
    /// Builds the graphs for `n` tensors of `rank` dimensions (and a rank-3 tail for logits of
    /// type `logits`).
    pub fn new(
        runtime: &Runtime,
        provider: Provider,
        float: Float,
        rank: usize,
        n: usize,
        logits: Float,
    ) -> Result<Relayout> {
        let ty = element(float);
        let options = SessionOptions {
            provider,
            threads: 1,
            arena: true,
        };
        let session = |g: Graph| -> Result<Session> {
            let mut m = Model::new([Opset::new(ONNX_DOMAIN, 21)?])?;
            m.set_graph(g)?;
            runtime.session_from_model(m, &options)
        };

        let mut g = Graph::new()?;
        let mut inputs = Vec::with_capacity(2 * n + 2);
        for i in 0..n {
            inputs.push(outlet(&format!("a_{i}"), ty, rank));
        }
        for i in 0..n {
            inputs.push(outlet(&format!("b_{i}"), ty, rank));
        }
        inputs.push(indices("pad_a"));
        inputs.push(indices("pad_b"));
        g.set_inputs(inputs)?;
        g.set_outputs((0..n).map(|i| outlet(&format!("out_{i}"), ty, rank)))?;
        for i in 0..n {
            let (a, b) = (format!("a_{i}"), format!("b_{i}"));
            let (pa, pb) = (format!("pa_{i}"), format!("pb_{i}"));
            g.add_node(Node::new(
                "Pad",
                ONNX_DOMAIN,
                &pa,
                [a.as_str(), "pad_a"],
                [&pa],
                [],
            )?)?;
            g.add_node(Node::new(
                "Pad",
                ONNX_DOMAIN,
                &pb,
                [b.as_str(), "pad_b"],
                [&pb],
                [],
            )?)?;
            g.add_node(Node::new(
                "Concat",
                ONNX_DOMAIN,
                format!("cat_{i}"),
                [pa, pb],
                [format!("out_{i}")],
                [Attribute::new("axis", 0i64)?],
            )?)?;
        }
        let stack = session(g)?;

        let mut g = Graph::new()?;
        let mut inputs: Vec<Outlet> = (0..n)
            .map(|i| outlet(&format!("x_{i}"), ty, rank))
            .collect();
        for name in ["rows", "starts", "ends", "axes"] {
            inputs.push(indices(name));
        }
        g.set_inputs(inputs)?;
        g.set_outputs((0..n).map(|i| outlet(&format!("out_{i}"), ty, rank)))?;
        for i in 0..n {
            let (x, picked) = (format!("x_{i}"), format!("picked_{i}"));
            g.add_node(Node::new(
                "Gather",
                ONNX_DOMAIN,
                &picked,
                [x.as_str(), "rows"],
                [&picked],
                [Attribute::new("axis", 0i64)?],
            )?)?;
            g.add_node(Node::new(
                "Slice",
                ONNX_DOMAIN,
                format!("slice_{i}"),
                [picked.as_str(), "starts", "ends", "axes"],
                [format!("out_{i}")],
                [],
            )?)?;
        }
        let pick = session(g)?;

        let mut g = Graph::new()?;
        let lt = element(logits);
        g.set_inputs([
            outlet("x", lt, 3),
            indices("starts"),
            indices("ends"),
            indices("axes"),
        ])?;
        g.set_outputs([outlet("out", lt, 3)])?;
        g.add_node(Node::new(
            "Slice",
            ONNX_DOMAIN,
            "slice",
            ["x", "starts", "ends", "axes"],
            ["out"],
            [],
        )?)?;
        let tail = session(g)?;

        Ok(Relayout {
            stack,
            pick,
            tail,
            n,
            rank,
            device: device_memory(provider)?,
            host: host_memory()?,
        })
    }

    fn check(&self, got: usize, what: &str) -> Result<()> {
        if got == self.n {
            Ok(())
        } else {
            Err(Error::Ort(format!(
                "{what}: {got} tensors for a re-layout built for {}",
                self.n
            )))
        }
    }

    /// Stacks `b` under `a` along axis 0, each `a_i` padded on its left along `axis` by `pad_a`
    /// zeros and each `b_i` by `pad_b`. Results stay on the device.
    pub fn stack(
        &mut self,
        a: &[&DynValue],
        b: &[&DynValue],
        axis: usize,
        pad_a: i64,
        pad_b: i64,
    ) -> Result<Vec<DynValue>> {
        self.check(a.len(), "stack")?;
        self.check(b.len(), "stack")?;
        let pads = |p: i64| {
            let mut v = vec![0i64; 2 * self.rank];
            v[axis] = p;
            i64_tensor(vec![2 * self.rank as i64], v)
        };
        let mut binding = self.stack.create_binding()?;
        for (i, v) in a.iter().enumerate() {
            binding.bind_input(format!("a_{i}"), *v)?;
        }
        for (i, v) in b.iter().enumerate() {
            binding.bind_input(format!("b_{i}"), *v)?;
        }
        binding.bind_input("pad_a", &pads(pad_a)?)?;
        binding.bind_input("pad_b", &pads(pad_b)?)?;
        for i in 0..self.n {
            binding.bind_output_to_device(format!("out_{i}"), &self.device)?;
        }
        let out = self.stack.run_binding(&binding)?;
        take_outputs(out, self.n, "stack")
    }

    /// Keeps `rows` (along axis 0, in that order) and the range `start..end` along `axis`.
    /// Results stay on the device.
    pub fn pick(
        &mut self,
        x: &[&DynValue],
        rows: &[usize],
        axis: usize,
        start: usize,
        end: usize,
    ) -> Result<Vec<DynValue>> {
        self.check(x.len(), "pick")?;
        let rows: Vec<i64> = rows.iter().map(|&r| r as i64).collect();
        let mut binding = self.pick.create_binding()?;
        for (i, v) in x.iter().enumerate() {
            binding.bind_input(format!("x_{i}"), *v)?;
        }
        binding.bind_input("rows", &i64_tensor(vec![rows.len() as i64], rows)?)?;
        binding.bind_input("starts", &i64_tensor(vec![1], vec![start as i64])?)?;
        binding.bind_input("ends", &i64_tensor(vec![1], vec![end as i64])?)?;
        binding.bind_input("axes", &i64_tensor(vec![1], vec![axis as i64])?)?;
        for i in 0..self.n {
            binding.bind_output_to_device(format!("out_{i}"), &self.device)?;
        }
        let out = self.pick.run_binding(&binding)?;
        take_outputs(out, self.n, "pick")
    }

    /// The last `keep` entries along axis 1 of a rank-3 tensor, copied to the host: the only
    /// part of a prefill's logits anyone reads.
    pub fn tail(&mut self, x: &DynValue, keep: usize) -> Result<DynValue> {
        let len = match x.dtype() {
            ValueType::Tensor { shape, .. } if shape.len() == 3 => shape[1],
            other => return Err(Error::Ort(format!("tail of a {other:?}"))),
        };
        let start = (len - keep as i64).max(0);
        let mut binding = self.tail.create_binding()?;
        binding.bind_input("x", x)?;
        binding.bind_input("starts", &i64_tensor(vec![1], vec![start])?)?;
        binding.bind_input("ends", &i64_tensor(vec![1], vec![len])?)?;
        binding.bind_input("axes", &i64_tensor(vec![1], vec![1])?)?;
        binding.bind_output_to_device("out", &self.host)?;
        let mut out = self.tail.run_binding(&binding)?;
        out.remove("out")
            .ok_or_else(|| Error::Ort("tail: no out".into()))
    }

    /// Entry `col` along axis 1 of row `row` (axis 0) of a rank-3 tensor, copied to the host
    /// as `[1, 1, width]`: one row's logits out of a multi-row prefill, the rest left on the
    /// device.
    pub fn at(&mut self, x: &DynValue, row: usize, col: usize) -> Result<DynValue> {
        let (row, col) = (row as i64, col as i64);
        let mut binding = self.tail.create_binding()?;
        binding.bind_input("x", x)?;
        binding.bind_input("starts", &i64_tensor(vec![2], vec![row, col])?)?;
        binding.bind_input("ends", &i64_tensor(vec![2], vec![row + 1, col + 1])?)?;
        binding.bind_input("axes", &i64_tensor(vec![2], vec![0, 1])?)?;
        binding.bind_output_to_device("out", &self.host)?;
        let mut out = self.tail.run_binding(&binding)?;
        out.remove("out")
            .ok_or_else(|| Error::Ort("at: no out".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::{float_tensor, read_floats};

    fn refs(v: &[DynValue]) -> Vec<&DynValue> {
        v.iter().collect()
    }

    #[test]
    fn relayout_pads_stacks_picks_and_tails() {
        let rt = crate::tests::runtime();
        for float in [Float::F32, Float::F16] {
            let mut r = Relayout::new(&rt, Provider::Cpu, float, 3, 2, float).unwrap();
            // a: [1, 1, 2] rows; b: [1, 1, 3].
            let a: Vec<DynValue> = (0..2)
                .map(|i| float_tensor(float, vec![1, 1, 2], vec![1.0 + i as f32, 2.0]).unwrap())
                .collect();
            let b: Vec<DynValue> = (0..2)
                .map(|_| float_tensor(float, vec![1, 1, 3], vec![3.0, 4.0, 5.0]).unwrap())
                .collect();
            let s = r.stack(&refs(&a), &refs(&b), 2, 1, 0).unwrap();
            assert!(s.iter().all(on_host));
            let (shape, data) = read_floats(&s[1]).unwrap();
            assert_eq!(shape, vec![2, 1, 3]);
            assert_eq!(data, vec![0.0, 2.0, 2.0, 3.0, 4.0, 5.0]);
            // Keep row 1 then row 0, columns 1..3.
            let p = r.pick(&refs(&s), &[1, 0], 2, 1, 3).unwrap();
            let (shape, data) = read_floats(&p[0]).unwrap();
            assert_eq!(shape, vec![2, 1, 2]);
            assert_eq!(data, vec![4.0, 5.0, 1.0, 2.0]);
            assert_eq!(tensor_bytes(&p[0]), 4 * float.size());
            let logits = float_tensor(float, vec![1, 3, 2], vec![1., 2., 3., 4., 5., 6.]).unwrap();
            let t = r.tail(&logits, 1).unwrap();
            assert_eq!(read_floats(&t).unwrap(), (vec![1, 1, 2], vec![5.0, 6.0]));
            assert!(matches!(to_host(&t).unwrap(), Host::Here(_)));
            // One row's one position of a [2, 3, 2] tensor.
            let two =
                float_tensor(float, vec![2, 3, 2], (0..12).map(|x| x as f32).collect()).unwrap();
            let one = r.at(&two, 1, 0).unwrap();
            assert_eq!(read_floats(&one).unwrap(), (vec![1, 1, 2], vec![6.0, 7.0]));
            let one = r.at(&two, 0, 2).unwrap();
            assert_eq!(read_floats(&one).unwrap(), (vec![1, 1, 2], vec![4.0, 5.0]));
            // A count it was not built for is an error, not a panic.
            assert!(r.stack(&refs(&a[..1]), &refs(&b[..1]), 2, 0, 0).is_err());
        }
    }
}
