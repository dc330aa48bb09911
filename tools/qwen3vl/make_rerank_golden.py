"""Reference re-ranking scores for the tiny fixture (tests/fixtures/qwen3vl-tiny), computed by
transformers: for each query-candidate pair, the chat `switchboard::rerank` sends (system, the
query's turn with its image, the candidate's turn), its input ids, and logit("yes") - logit("no")
of the next token. The model is rebuilt from make_fixture.py's seed (the same weights as the
committed graphs; checked against the fixture's own text golden first). Hand-run only:

    python3 -m venv .venv-export && .venv-export/bin/pip install -r tools/qwen3vl/requirements.txt
    .venv-export/bin/python tools/qwen3vl/make_rerank_golden.py --tokenizer .assets/qwen/tokenizer.json
"""

import argparse
import json
import pathlib
import sys

import numpy as np
import torch
from PIL import Image
from transformers import PreTrainedTokenizerFast, Qwen3VLForConditionalGeneration
from transformers.models.qwen2_vl.image_processing_qwen2_vl import Qwen2VLImageProcessor
from transformers.models.qwen3_vl.processing_qwen3_vl import Qwen3VLProcessor
from transformers.models.qwen3_vl.video_processing_qwen3_vl import Qwen3VLVideoProcessor

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import make_fixture as mf  # noqa: E402

# The same words as src/rerank.rs (SYSTEM, QUESTION); the Rust test checks the ids agree.
SYSTEM = 'Judge whether the Candidate meets the needs of the Query. Note that the answer can only be "yes" or "no".'
QUESTION = 'Does the Candidate meet the needs of the Query? Answer only "yes" or "no".'
QUERY = ("red off-shoulder dress with a straw hat", "img_100x150.png")
CANDIDATES = [
    ("a red sundress", "img_75x50.png"),
    ("white sneakers", None),
    ("红色露肩连衣裙", "img_130x60.png"),
    ("a straw hat", "img_37x91.png"),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokenizer", required=True)
    args = ap.parse_args()
    torch.manual_seed(mf.SEED)
    config = mf.tiny_config()
    config._attn_implementation = "sdpa"
    model = Qwen3VLForConditionalGeneration(config).eval()
    mf.reinit(model)
    model.tie_weights()
    golden = mf.OUT / "golden"
    tok = PreTrainedTokenizerFast(tokenizer_file=args.tokenizer, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    processor = Qwen3VLProcessor(
        image_processor=Qwen2VLImageProcessor(size=mf.IMAGE_PIXELS, patch_size=16, temporal_patch_size=2,
                                              merge_size=2, image_mean=[0.5] * 3, image_std=[0.5] * 3),
        tokenizer=tok,
        video_processor=Qwen3VLVideoProcessor(size=mf.VIDEO_PIXELS, patch_size=16, temporal_patch_size=2,
                                              merge_size=2, image_mean=[0.5] * 3, image_std=[0.5] * 3, fps=2,
                                              min_frames=4, max_frames=768))

    # The rebuilt model is the fixture's: its text case's logits match the committed golden.
    text_case = json.loads((golden / "text.json").read_text())
    with torch.no_grad():
        got = model(input_ids=torch.tensor([text_case["input_ids"]])).logits[0, -1].numpy()
    want = np.fromfile(golden / "text_prefill_logits.bin", dtype="<f4")
    assert np.abs(got - want).max() < 1e-4, np.abs(got - want).max()

    yes, no = tok.convert_tokens_to_ids("yes"), tok.convert_tokens_to_ids("no")
    out = {"system": SYSTEM, "question": QUESTION, "query": QUERY[0], "query_image": QUERY[1],
           "yes_id": yes, "no_id": no, "candidates": []}
    for text, image in CANDIDATES:
        cand = ([{"type": "image"}] if image else []) + [{"type": "text", "text": f"<Candidate>: {text}\n{QUESTION}"}]
        messages = [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": f"<Query>: {QUERY[0]}"}]},
            {"role": "user", "content": cand},
        ]
        images = [Image.open(golden / QUERY[1]).convert("RGB")]
        if image:
            images.append(Image.open(golden / image).convert("RGB"))
        inputs = processor(text=[mf.render(messages)], images=images, return_tensors="pt")
        with torch.no_grad():
            logits = model(**inputs).logits[0, -1]
        log_odds = float(logits[yes] - logits[no])
        out["candidates"].append({"text": text, "image": image, "input_ids": inputs["input_ids"][0].tolist(),
                                  "log_odds": log_odds})
        print(f"{text!r}: {len(inputs['input_ids'][0])} tokens, log-odds {log_odds:.6f}")
    (golden / "rerank.json").write_text(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
