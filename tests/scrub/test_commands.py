"""commands.py: a password given to a command leaves no piece behind, in shell lines and in the
argument lists of code; commands that take no password stay byte-identical."""

from __future__ import annotations

import pytest

from finetune_collection.scrub.engine import Scrubber


def pieces(secret: str, text: str, out: str) -> list[str]:
    """5-character pieces of `secret` left in `out` (and not elsewhere in `text`)."""
    rest = text.replace(secret, "")
    return [secret[i : i + 5] for i in range(len(secret) - 4) if secret[i : i + 5] in out and secret[i : i + 5] not in rest]


CAUGHT = [
    # an `&` inside a bare shell word is the password's, not a background operator
    ("docker login registry.acme.io -u deploybot -p Tr0ub4dor&3x", "Tr0ub4dor&3x"),
    ("sshpass -p W1nt3r&Sp7ng ssh ops@10.1.1.9", "W1nt3r&Sp7ng"),
    # argument lists: Python, Go, JavaScript, C#, Rust, Java, YAML
    ('subprocess.run(["docker", "login", "-u", "ci", "-p", "Dkr9Sub!proc", "reg.acme.io"])', "Dkr9Sub!proc"),
    ('exec.Command("sshpass", "-p", "G0Sshpass!", "ssh", "root@host")', "G0Sshpass!"),
    ("subprocess.check_call(['redis-cli', '-a', 'PyR3dList9', 'info'])", "PyR3dList9"),
    ("spawn('mongosh', ['-u', 'admin', '-p', 'JsMng0Spawn', 'db'])", "JsMng0Spawn"),
    ('Process.Start("sshpass", "-p Cs5shPa55 ssh ops@10.0.0.2");', "Cs5shPa55"),
    ('Command::new("redis-cli").args(["-a", "Rs7RedisArg", "ping"])', "Rs7RedisArg"),
    ('subprocess.run([\n    "docker", "login",\n    "--password", "Ml7tiLn3Pw",\n])', "Ml7tiLn3Pw"),
    ('        args: ["--requirepass", "K8sR3disReq"]', "K8sR3disReq"),
    ("redis-server --requirepass Serv3rReqPw", "Serv3rReqPw"),
    # positional passwords and secret stores
    ("pulumi config set --plaintext dbPassword PulumiPl41n", "PulumiPl41n"),
    ('dotnet user-secrets set "Db:Password" "UsrS3cretsPw"', "UsrS3cretsPw"),
    ("gh secret set DEPLOY_KEY --body 'Gh5ecretB0dyXq9Lm2Zr7Vn4Bt8Cs1'", "Gh5ecretB0dyXq9Lm2Zr7Vn4Bt8Cs1"),
    ("net use Z: \\\\fs01\\data N3tUs3Pw /user:CORP\\bob", "N3tUs3Pw"),
]


@pytest.mark.parametrize(("text", "secret"), CAUGHT)
def test_no_piece_of_the_password_survives(scrubber: Scrubber, text: str, secret: str) -> None:
    out = scrubber.scrub_text(text).text
    assert secret not in out and not pieces(secret, text, out), out


KEPT = [
    'subprocess.run(["docker", "run", "-p", "8080:80", "nginx"])',
    'subprocess.run(["docker", "login", "-u", user, "-p", password, registry])',
    'exec.Command("ssh", "-p", "2222", "deploy@web1")',
    "make build && docker login -u ci -p $TOKEN reg.io & wait",
    'args: ["--port", "6379", "--appendonly", "yes"]',
    "git commit --no-verify -m 'bypass hooks'",
    "pulumi config set aws:region us-east-1",
]


@pytest.mark.parametrize("text", KEPT)
def test_commands_without_a_password_stay_byte_identical(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub_text(text).text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("docker login registry.acme.io -u deploybot -p Tr0ub4dor&3x", "docker login registry.acme.io -u deploybot -p <REDACTED>"),
        ("sshpass -p Ab9&c ssh h && echo ok", "sshpass -p <REDACTED> ssh h && echo ok"),
    ],
)
def test_the_tail_after_an_ampersand_goes_with_the_password(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub_text(text).text == expected
