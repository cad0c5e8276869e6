"""Issue 16's families, each in several syntaxes: what leaked before and must now be replaced,
and the benign code that was changed before and must now stay byte-identical."""

from __future__ import annotations

import base64

import pytest

from finetune_collection.scrub.engine import Scrubber

# Key-shaped values are assembled at run time so none sits in the repository as a literal.
SLACK_PATH = "T024" + "BE7LD/B01A2C3D4E5/" + "Xq8Lm2Rt7Yp9Wz3Kd5Nv1Bc4"
XOXC = "xoxc-" + "2468013579-1357924680-9876543210-" + "a1f9c3e7b5d2468ace13579bdf02468ace13579bdf02468ace13579bdf024"
XOXD = "xoxd-" + "Zq8%2FLm2Rt7Yp9Wz3Kd5Nv1Bc4Hq7pW2zLx9Nc4Rt8Vb3Km6Yd1Sg5%3D"
PEM_B64 = base64.b64encode(
    b"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAq8Zr2LmX0vNb7Tk4WcYp9sQeHq7pW2zLx9Nc4Rt8Vb3Km6Yd\n"
).decode()
STS = "FwoGZXIvYXdzE" + "Hq7pW2zLx9Nc4Rt8Vb3Km6Yd1Sg5Zq8Lm2Rt7Yp9Wz3Kd5Nv1Bc4Qm9xT3Zk7LpR2sWn8YcE4vHa"
AWS_SECRET = "Zq8Lm2Rt7Yp9Wz3Kd5Nv" + "1Bc4Hq7pW2zLx9Nc4Rt8"



CAUGHT = [
    # Unicode separators and invisible characters inside the keyword
    ("password\u00a0= Nbsp9pass!", "Nbsp9pass!"),
    ("password\uff1aFull9Colon", "Full9Colon"),
    ("password:\u3000Ideo9Space", "Ideo9Space"),
    ("pass\u00adword = Soft9Hyphen", "Soft9Hyphen"),
    ("pass\u200bword = Zero9Width", "Zero9Width"),
    ("DB_PASS\u200dWORD=Zwj9Joiner", "Zwj9Joiner"),
    # a secret that appears twice: the second copy has no name in front of it
    ("password = 'Tw1ce!Pass'\n...\nthen I typed Tw1ce!Pass again", "Tw1ce!Pass"),
    ('{"api_key": "Qm9xT3Zk7LpR2sWn8YcE"}\ncurl -H "X-Key: Qm9xT3Zk7LpR2sWn8YcE" api', "Qm9xT3Zk7LpR2sWn8YcE"),
    ('secret: "Zt8Ym3Wq"\nlater it failed with Zt8Ym3Wq, why?', "Zt8Ym3Wq"),
    # webhooks
    ("http://hooks.slack.com/services/" + SLACK_PATH, SLACK_PATH),
    ("url: hooks.slack.com/services/" + SLACK_PATH, SLACK_PATH),
    ("https://hooks.slack.com/workflows/" + SLACK_PATH, SLACK_PATH),
    ("https://contoso.webhook.office.com/webhookb2/" + "a1b2c3d4-0000-4000-8000-abcdefabcdef@tenant/IncomingWebhook/"
     + "Zq8Lm2Rt7Yp9Wz3Kd5Nv1Bc4", "Zq8Lm2Rt7Yp9Wz3Kd5Nv1Bc4"),
    ("https://outlook.office.com/webhook/" + "a1b2c3d4-1111-4000-8000-abcdefabcdef@t/IncomingWebhook/Zq8Lm2Rt7Yp9Wz3K",
     "Zq8Lm2Rt7Yp9Wz3K"),
    # Slack browser tokens
    (f"SLACK_XOXC={XOXC}", XOXC),
    (f"cookie d={XOXD}", XOXD),
    (f'{{"token": "{XOXC}"}}', XOXC),
    # base64 of a PEM key, AWS session tokens
    (f'"privateKey": "{PEM_B64}"', PEM_B64),
    (f"tls.key: {PEM_B64}", PEM_B64),
    (f"aws_secret_access_key = {AWS_SECRET}\naws_session_token = {STS}", STS),
    (f"AWS_SESSION_TOKEN={STS}", STS),
    # docker config, JSON session
    ('{"auths": {"reg.io": {"identitytoken": "Hq7pW2zLx9Nc4Rt8Vb3Km6Yd1Sg5"}}}', "Hq7pW2zLx9Nc4Rt8Vb3Km6Yd1Sg5"),
    ('{"session": "Zk29fLq81mNw3XcV7pR0tYb5", "user": 3}', "Zk29fLq81mNw3XcV7pR0tYb5"),
    # Helm and Ansible
    ("helm install db bitnami/postgresql --set auth.postgresPassword=H3lmPass9", "H3lmPass9"),
    ("auth:\n  rootPassword: H3lmRoot!9\n  database: app\n", "H3lmRoot!9"),
    ("all:\n  vars:\n    ansible_become_pass: Ans1ble!pw\n", "Ans1ble!pw"),
    ("web1 ansible_host=10.0.0.5 ansible_user=deploy ansible_ssh_pass=Inv3ntPw", "Inv3ntPw"),
    # unquoted values with brackets and braces, and C arrays
    ("db_pass := m{{h}o)p${e]nob(ody[finds>-_$#thisone}}", "m{{h}o)p${e]nob(ody[finds>-_$#thisone}}"),
    ("password = m{{h}o)p${e]nob(ody[finds>-_$#thisone}},", "m{{h}o)p${e]nob(ody[finds>-_$#thisone}}"),
    ('char secret[25] = "Ch4rArr4y!";', "Ch4rArr4y!"),
    ('secrete[] = "Ch4rArr4y!";', "Ch4rArr4y!"),
    # git clone with credentials, PGPASSWORD
    ("git clone https://bob:G1tClone9@github.com/org/repo.git", "G1tClone9"),
    ("PGPASSWORD=Pg9env!x psql -h db -U app", "Pg9env!x"),
    # PII
    ("Email me at jane.doe@example.rs about it", "jane.doe@example.rs"),
    ("Contact: <ops@team.md>", "ops@team.md"),
    ("SSN: 078.05.1120", "078.05.1120"),
    ("card 4111.1111.1111.1111 on file", "4111.1111.1111.1111"),
    ('{"cc": 4111111111111111}', "4111111111111111"),
    ("Desk: +41 (0)96 471 07 95", "471 07 95"),
    # home paths
    ("Traceback: File \"/home/alice/proj/app.py\", line 3", "alice"),
]

KEPT = [
    "keyPressed = kVK_Return.u16",
    "KeyPair = X25519.KeyPair",
    'const validKeyChars = "0123456789abcdefghijklmnopqrstuvwxyz_-."',
    "schemaKey = 'DOC_Vector_5_32'",
    '"bucket_key": "SalesResults-1.2"',
    'sb.append("MasterUserPassword: " + getMasterUserPassword() + ",");',
    "credentials: new AWS.SharedIniFileCredentials({ profile: 'default' })",
    'IAMUserChangePassword = "arn:aws:iam::aws:policy/IAMUserChangePassword"',
    'this.addPassword = "#add-password";',
    '"/en/authentication/creating-a-strong-password": "/en/enterprise-server@3.0/auth"',
    'password = "somefakekey"',
    ":param password: the user's password",
    "$secure = ConvertTo-SecureString $plain -AsPlainText -Force",
    "$cred = New-Object PSCredential($user, (ConvertTo-SecureString $pw -AsPlainText -Force))",
    "curl -u <user:password> https://test.com/endpoint",
    "# HuggingFace API Token https://huggingface.co/settings/tokens",
    "Create one at https://github.com/settings/tokens and paste it below.",
    '<script src="/assets/app-7a388b69018576d24b59331fd60aab0c.js"></script>',
    "video_box.ico-7a388b69018576d24b59331fd60aab0c.png",
    "ids 4821 9934 1022 7781 and 12 345 678",
    "batch sizes: 128 256 512 1024 2048",
    "fn main() { let key = map.get(&k).unwrap(); }",
    "import { createHash } from 'crypto';\nconst hash = createHash('sha256').update(secret).digest('hex');",
    "see lib@main.rs and util@mod.py",
    "Model 123.45.6789 build",
    'public_key = "9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit"',
    "X-MS-Exchange-Organization-AuthSource: sm02915.int.contoso.com",
    'password = "123"',
    "password: real_key",
    "-e SUMO_ACCESS_KEY=`etcdctl get /sumologic_secret`",
    "postgresql://user:secret@[2001:db8::1234]/database",
]


@pytest.mark.parametrize(("text", "secret"), CAUGHT, ids=[str(i) for i in range(len(CAUGHT))])
def test_caught(scrubber: Scrubber, text: str, secret: str) -> None:
    out = scrubber.scrub_text(text).text
    assert secret not in out, out


@pytest.mark.parametrize("text", KEPT, ids=[str(i) for i in range(len(KEPT))])
def test_kept_byte_identical(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub_text(text).text == text


def test_home_path_becomes_tilde(scrubber: Scrubber) -> None:
    assert scrubber.scrub_text("/home/alice/proj/a.py and /Users/bob").text == "~/proj/a.py and ~"
    assert scrubber.scrub_text(r"C:\Users\carol\AppData\x.log").text == r"~/AppData\x.log"


def test_every_copy_gets_the_same_type_and_offsets(scrubber: Scrubber) -> None:
    text = "password = 'Tw1ce!Pass' then Tw1ce!Pass"
    result = scrubber.scrub_text(text)
    assert [(f.type, text[f.start : f.end]) for f in result.findings] == [("password", "Tw1ce!Pass")] * 2


def test_invisible_characters_map_back_to_original_offsets(scrubber: Scrubber) -> None:
    text = "x pass\u00adword = Soft9Hyphen y"
    result = scrubber.scrub_text(text)
    assert [text[f.start : f.end] for f in result.findings] == ["Soft9Hyphen"]
    assert result.text == "x pass\u00adword = <REDACTED> y"


# Built at run time: provider shapes must not sit in the repository as literals.
TAVILY = "tvly-" + "Sa8KvAnt7HfKqmy2iJY0PlwP5sXN4aR9"
NEW_RELIC = "eu01xx" + "aa7460e1ea3abdfbbbd36e85c10cd0" + "NRAL"

MORE_CAUGHT = [
    ("curl -H 'Authorization: Api-Token 22cb9878b1c5659e29114c62e60c79abd0d2c08' https://x.io", "22cb9878b1c5659e29114c62e60c79abd0d2c08"),
    ("Authorization: SSWS 00Qx8Lm2Rt7Yp9Wz3Kd5Nv1Bc4Hq7pW2zLx9Nc4", "00Qx8Lm2Rt7Yp9Wz3Kd5Nv1Bc4Hq7pW2zLx9Nc4"),
    ("Authorization: 5eb4223e-5008-46e5-be67-c7b8f2732305", "5eb4223e-5008-46e5-be67-c7b8f2732305"),
    ("Bearer: ciotgp8BGZBlX192iExSQPm0SrUlBunG8zd", "ciotgp8BGZBlX192iExSQPm0SrUlBunG8zd"),
    ("uri: 'mongodb+srv://shop:Zxcv@1234)@cluster0.example.net/db'", "Zxcv@1234)"),
    (f"export TAVILY_API_KEY={TAVILY}", TAVILY),
    (f"license: {NEW_RELIC}", NEW_RELIC),
    ("$ vault operator unseal 98m+o2ylRhVbOi+3o5ub6PbP343ocFUVORgSYeypMDjh", "98m+o2ylRhVbOi+3o5ub6PbP343ocFUVORgSYeypMDjh"),
    # name-meets-value syntaxes: escaped, open and braced quotes, numeric tokens, nested names
    ('jwt_token = "eyPXPcG53eS6gDZJfIEfHAg1.eycX0gBXWjDL7hq4nGI."', "eyPXPcG53eS6gDZJfIEfHAg1.eycX0gBXWjDL7hq4nGI."),
    ("DISCORD_TOKEN=86403112445593102923985474352938", "86403112445593102923985474352938"),
    ('# settings\n"refresh_token1": "xoxr-4-j0hso3qyfppe\nTIMEOUT = 30', "xoxr-4-j0hso3qyfppe"),
    ('$user = \\"mg1021\\";  $password = \\"goodspec\\";', "goodspec"),
    ('"PlainLoginModule required username=\\"svc\\" password=\\"NpH8PS2v*160\\";"', "NpH8PS2v*160"),
    ('pyodbc.connect("DRIVER={ODBC Driver 18};UID=erp_ro;PWD={Bjt06Ll.438}")', "Bjt06Ll.438"),
    ('{"auths":{"ghcr.io":{"auth":"YWRtaW46UXpKMTMzZk8lMjg3"}}}', "YWRtaW46UXpKMTMzZk8lMjg3"),
    ('network={\n    ssid="HomeNet"\n    psk="NpS2xkwP5j.577"\n}', "NpS2xkwP5j.577"),
    ("keytool -importkeystore -srcstorepass Ks7store -deststorepass GcF4kxv+151", "GcF4kxv+151"),
    ('$user = \\"mg1021\\";  $password = goodspec;\nTIMEOUT = 30', "goodspec"),
    ('export AWS_ACCESS_KEY_ID="I08BCX2ACV45ED1DOC9J"', "I08BCX2ACV45ED1DOC9J"),
    ("SECRET_KEY = 'django-insecure-u^b3d^zv_!64njwgvaxk18dv4excyk2aji^0zy6ueq-u7^wv!+'",
     "u^b3d^zv_!64njwgvaxk18dv4excyk2aji^0zy6ueq-u7^wv!+"),
    # personal data: punycode TLDs, an address ending a sentence, a plain 16-digit card
    ("send_invoice(to=\"giulia+shop@mail.xn--p1ai\")", "giulia+shop@mail.xn--p1ai"),
    ('{"client_ip": "Server IP: 2400:c401::5054:ff:fe1b:b031.", "status": 403}', "2400:c401::5054:ff:fe1b:b031"),
    ("charge failed card=4539148803436400 reason=declined", "4539148803436400"),
]
MORE_KEPT = [
    'const password = process.env.FIREBASE_PASSWORD || "not-set"',
    "Authorization: Bearer <token>",
    "Authorization: Basic ${CREDENTIALS}",
    "see https://example.com/user@host/path and http://host:8080/x",
    "discord.py: logged in as bot#96072 (id: 599769832472364700)",
    "<dependency>\n  <artifactId>jjwt-api</artifactId>\n  <version>0.12.77272</version>\n</dependency>",
    "struct Login {\n    username: String,\n    password: SecretString,\n}",
    "def verify(password, %User{password_hash: hash}), do: Bcrypt.verify_pass(password, hash)",
    "ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: YES)",
    'secret_key_base = System.fetch_env!("SECRET_KEY_BASE")',
    "token: ${API_TOKEN:-$FALLBACK_TOKEN}",
    '$"Server=sql01;UID=app;PWD={dbPassword};"',
    'log.info("password reset for ',
    'bypass = "Abc123xyz"',
    "$password = $request->password;\n$db = mysqli;",
    "$password = null;",
    'aws_access_key_id = "AKIAIOSFODNN7EXAMPLE"',
    "    user = auth[0]\n    password = auth[2]",
    "if c == '\\b':\n    pw = pw[:-1]",
    "    UNKNOWN_PSK_IDENTITY = 115",
    'grant: Literal["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:jwt-bearer"]',
]


@pytest.mark.parametrize(("text", "secret"), MORE_CAUGHT, ids=[str(i) for i in range(len(MORE_CAUGHT))])
def test_more_caught(scrubber: Scrubber, text: str, secret: str) -> None:
    assert secret not in scrubber.scrub_text(text).text


@pytest.mark.parametrize("text", MORE_KEPT, ids=[str(i) for i in range(len(MORE_KEPT))])
def test_more_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub_text(text).text == text
