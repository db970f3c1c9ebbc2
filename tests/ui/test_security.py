import pytest
from pydantic import SecretStr

from rag.config import Settings
from rag.errors import BadRequest, ConfigError
from ui.security import bearer_ok, check_bind, is_loopback, safe_upload_path, sanitize_filename


@pytest.mark.parametrize("host,expected", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("0.0.0.0", False), ("192.168.1.5", False), ("::", False), ("example.org", False)])
def test_is_loopback(host, expected):
    assert is_loopback(host) is expected


def test_non_loopback_bind_requires_a_token():
    with pytest.raises(ConfigError) as err:
        check_bind(Settings(host="0.0.0.0", embedder="hash"))
    assert "SPEECHQA_API_TOKEN" in err.value.hint and "0.0.0.0" in err.value.message
    check_bind(Settings(host="0.0.0.0", embedder="hash", api_token=SecretStr("s3cret-token")))
    check_bind(Settings(host="127.0.0.1", embedder="hash"))


def test_bearer_compare():
    assert bearer_ok("Bearer abc123", "abc123")
    assert bearer_ok("bearer abc123", "abc123")
    assert not bearer_ok("Bearer abc124", "abc123")
    assert not bearer_ok("abc123", "abc123")
    assert not bearer_ok(None, "abc123")
    assert bearer_ok(None, "")  # no token configured: open (loopback only, see check_bind)


@pytest.mark.parametrize("raw,safe", [
    ("2025年 政府工作报告.txt", "2025年 政府工作报告.txt"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\evil.md", "evil.md"),
    ("/abs/path/报告.DOCX", "报告.docx"),
    ("a;rm -rf $HOME|x.pdf", "a_rm -rf _HOME_x.pdf"),
    ("..hidden.html", "hidden.html"),
    ("tab\tname\x00.txt", "tabname.txt"),
])
def test_sanitize_filename(raw, safe):
    assert sanitize_filename(raw) == safe


@pytest.mark.parametrize("raw", ["malware.exe", "noext", "....txt", "../", ""])
def test_sanitize_rejects_with_reason(raw):
    with pytest.raises(BadRequest) as err:
        sanitize_filename(raw)
    assert err.value.field == "file" and err.value.hint


def test_safe_upload_path_stays_inside(tmp_path):
    for name in ("../../x.txt", "sub/dir/y.md", "/etc/z.txt"):
        assert safe_upload_path(tmp_path, name).parent == tmp_path.resolve()
