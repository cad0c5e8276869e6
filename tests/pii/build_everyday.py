"""Build tests/pii/everyday.jsonl and tests/pii/heldout.jsonl: everyday developer content.

Benign code in many languages, config files and shell sessions, written here by hand as templates
and filled from a seeded RNG, plus everyday credential forms planted in the same kinds of text.
Each line: {"id", "kind", "lang", "text"} for benign text (it must come out byte-identical), or
{"id", "kind", "lang", "type", "text", "value"} for a planted secret (`value` must disappear).

Templates are split by position: every fourth template of each list goes to heldout.jsonl, which
is measured by benchmarks/scrub.py and never used to write or tune a rule.

    python tests/pii/build_everyday.py
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent
R = random.Random(20261202)
WORDS = (
    "account order invoice user session cache index buffer record config client server worker queue "
    "report payload message channel widget layout theme device sensor ledger batch tenant region"
).split()
NAMES = "alice bob carol dave erin frank grace heidi ivan judy mallory oscar peggy trent victor".split()


def word() -> str:
    return R.choice(WORDS)


def camel() -> str:
    return word() + word().title()


def snake() -> str:
    return f"{word()}_{word()}"


def num(lo: int = 1, hi: int = 9999) -> str:
    return str(R.randint(lo, hi))


def hexs(n: int) -> str:
    return "".join(R.choice("0123456789abcdef") for _ in range(n))


def rnd(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    while True:
        s = "".join(R.choice(alphabet) for _ in range(n))
        if any(c.isdigit() for c in s) and any(c.isupper() for c in s) and any(c.islower() for c in s):
            return s


def password() -> str:
    return R.choice(["Tr", "Qx", "Mz", "Kv", "Lp", "Wn"]) + rnd(6) + R.choice("!#%&*@?") + num(10, 99)


def uuid() -> str:
    return f"{hexs(8)}-{hexs(4)}-4{hexs(3)}-a{hexs(3)}-{hexs(12)}"


def version() -> str:
    return f"{R.randint(0, 9)}.{R.randint(0, 30)}.{R.randint(0, 99)}"


# -- benign: (language, template) --------------------------------------------------------------------
Template = Callable[[], str]
BENIGN: list[tuple[str, Template]] = [
    ("python", lambda: f"def get_{word()}_key(self, {word()}_id: int) -> str:\n    return f\"{word()}:{{{word()}_id}}\""),
    ("python", lambda: f"cache_key = f\"{word()}:{{user.id}}:{{page}}\"\nvalue = cache.get(cache_key)"),
    ("python", lambda: f"max_tokens = {num(64, 8192)}\ntemperature = 0.{R.randint(0, 9)}\nmodel = \"{word()}-{version()}\""),
    ("python", lambda: f"password = getpass.getpass(\"{word().title()} password: \")\nif not password:\n    raise SystemExit(1)"),
    ("python", lambda: f"api_key = os.environ[\"{word().upper()}_API_KEY\"]\nclient = Client(api_key=api_key)"),
    ("python", lambda: f"for key, value in sorted({word()}s.items()):\n    print(f\"{{key}}={{value}}\")"),
    ("python", lambda: f"token_count = len(tokenizer.encode(text))\nassert token_count <= {num(100, 4000)}"),
    ("python", lambda: f"class {camel().title()}Form(forms.Form):\n    password = forms.CharField(widget=forms.PasswordInput)\n    remember = forms.BooleanField(required=False)"),
    ("python", lambda: f"digest = hashlib.sha256(data).hexdigest()  # e.g. {hexs(64)}"),
    ("python", lambda: f"ID = uuid.UUID(\"{uuid()}\")\nVERSION = \"{version()}\""),
    ("python", lambda: f"secret_name = \"{word()}-{word()}-credentials\"\nresponse = sm.get_secret_value(SecretId=secret_name)"),
    ("python", lambda: f"@app.route(\"/api/{word()}/<int:{word()}_id>\")\ndef show_{word()}({word()}_id):\n    return jsonify(ok=True)"),
    ("javascript", lambda: f"const {camel()}Key = `${{prefix}}:${{{word()}.id}}`;\nmap.set({camel()}Key, {num()});"),
    ("javascript", lambda: "document.addEventListener('keydown', (e) => { if (e.key === 'Enter') submit(); });"),
    ("javascript", lambda: "const token = req.headers.authorization?.split(' ')[1];\nif (!token) return res.status(401).end();"),
    ("javascript", lambda: f"export const {word().upper()}_TIMEOUT_MS = {num(100, 60000)};\nexport const MAX_{word().upper()}S = {num(1, 500)};"),
    ("javascript", lambda: f"import {{ {camel()} }} from './{word()}/{word()}.js';\nconsole.log({camel()}('{word()}'));"),
    ("javascript", lambda: f"<input type=\"password\" name=\"password\" id=\"{word()}-password\" autocomplete=\"current-password\">"),
    ("typescript", lambda: f"interface {word().title()}Props {{\n  apiKey: string;\n  onTokenRefresh?: (token: string) => void;\n}}"),
    ("typescript", lambda: f"const keyPressed = event.keyCode === {R.randint(8, 90)};\nconst keyName = keyMap[event.key] ?? 'unknown';"),
    ("go", lambda: f"func (s *{word().title()}Store) Get(ctx context.Context, key string) ([]byte, error) {{\n\treturn s.db.Get(ctx, key)\n}}"),
    ("go", lambda: f"token := os.Getenv(\"{word().upper()}_TOKEN\")\nif token == \"\" {{\n\tlog.Fatal(\"missing token\")\n}}"),
    ("go", lambda: f"const maxRetries = {num(1, 10)}\nvar {word()}Timeout = {num(1, 60)} * time.Second"),
    ("rust", lambda: f"let key = format!(\"{{}}:{{}}\", {word()}, {word()}_id);\nlet value = map.get(&key).cloned().unwrap_or_default();"),
    ("rust", lambda: f"const VERSION: &str = \"{version()}\";\nconst MAX_{word().upper()}: usize = {num()};"),
    ("rust", lambda: f"#[derive(Debug, Deserialize)]\nstruct Config {{\n    api_key: Option<String>,\n    {word()}_path: PathBuf,\n}}"),
    ("java", lambda: "String password = request.getParameter(\"password\");\nif (!encoder.matches(password, user.getPasswordHash())) { throw new AuthException(); }"),
    ("java", lambda: f"private static final int KEY_SIZE = {R.choice([128, 256, 2048, 4096])};\nKeyPairGenerator gen = KeyPairGenerator.getInstance(\"RSA\");"),
    ("java", lambda: "public void setPassword(String password) { this.password = password; }"),
    ("csharp", lambda: f"var secret = await client.GetSecretAsync(\"{word()}-{word()}\");\nvar value = secret.Value.Value;"),
    ("csharp", lambda: f"public string ApiKey {{ get; set; }}\npublic int {word().title()}Count {{ get; set; }} = {num(0, 50)};"),
    ("ruby", lambda: f"def {word()}_token\n  @{word()}_token ||= SecureRandom.hex({R.choice([16, 32])})\nend"),
    ("php", lambda: "$password = $_POST['password'] ?? '';\nif (password_verify($password, $row['hash'])) { login($row); }"),
    ("c", lambda: f"static const char *{word()}_keys[] = {{ \"{word()}\", \"{word()}\", \"{word()}\" }};\nint n_{word()} = {num(1, 64)};"),
    ("c", lambda: f"if (strcmp(argv[1], \"--{word()}\") == 0) {{ verbose = 1; }}"),
    ("sql", lambda: f"SELECT id, email_verified, password_hash FROM users WHERE id = {num()};"),
    ("sql", lambda: f"CREATE TABLE {word()}s (\n  id SERIAL PRIMARY KEY,\n  api_key_id INT REFERENCES api_keys(id),\n  created_at TIMESTAMP\n);"),
    ("sql", lambda: f"ALTER USER {word()} PASSWORD EXPIRE;\nGRANT SELECT ON {word()}s TO reporting;"),
    ("yaml", lambda: f"services:\n  {word()}:\n    image: {word()}:{version()}\n    ports:\n      - \"{num(1024, 9000)}:{num(80, 9000)}\"\n    environment:\n      - DB_PASSWORD=${{DB_PASSWORD}}"),
    ("yaml", lambda: f"spec:\n  containers:\n    - name: {word()}\n      env:\n        - name: API_TOKEN\n          valueFrom:\n            secretKeyRef:\n              name: {word()}-secrets\n              key: api-token"),
    ("yaml", lambda: f"- name: Deploy\n  env:\n    TOKEN: ${{{{ secrets.DEPLOY_TOKEN }}}}\n  run: ./deploy.sh --env {R.choice(['prod', 'staging'])}"),
    ("yaml", lambda: f"vars:\n  {word()}_password: \"{{{{ vault_{word()}_password }}}}\"\n  {word()}_port: {num(1000, 9999)}"),
    ("toml", lambda: f"[tool.{word()}]\nline-length = {num(80, 120)}\nkeys = [\"{word()}\", \"{word()}\"]"),
    ("json", lambda: f"{{\"name\": \"{word()}\", \"version\": \"{version()}\", \"keywords\": [\"{word()}\", \"token\", \"auth\"]}}"),
    ("json", lambda: f"{{\"integrity\": \"sha512-{rnd(86, string.ascii_letters + string.digits + '+/')}==\", \"resolved\": \"https://registry.npmjs.org/{word()}/-/{word()}-{version()}.tgz\"}}"),
    ("dotenv", lambda: f"# copy to .env and fill in\nDATABASE_URL=postgres://user:password@localhost:5432/{word()}\nSECRET_KEY=changeme\nDEBUG=true"),
    ("ini", lambda: f"[{word()}]\nhost = {word()}.internal\nport = {num(1000, 9999)}\nuser = {R.choice(NAMES)}\npassword = ${{{word().upper()}_PASSWORD}}"),
    ("shell", lambda: f"$ git log --oneline | head -3\n{hexs(7)} Fix {word()} handling\n{hexs(7)} Add {word()} tests\n{hexs(7)} Bump version to {version()}"),
    ("shell", lambda: f"$ docker run -d -p {num(1024, 9000)}:{num(80, 9000)} -e PASSWORD=\"$PASSWORD\" {word()}:{version()}"),
    ("shell", lambda: f"$ ls -la ~/projects/{word()}\ntotal {num(8, 200)}\ndrwxr-xr-x  {num(2, 9)} dev dev 4096 Mar {R.randint(1, 28)} 10:{R.randint(10, 59)} ."),
    ("shell", lambda: f"$ curl -s https://api.{word()}.io/v{R.randint(1, 3)}/status | jq .\n{{\"status\": \"ok\", \"uptime\": {num()}}}"),
    ("shell", lambda: f"$ kubectl get pods -n {word()}\nNAME                     READY   STATUS    RESTARTS   AGE\n{word()}-{hexs(10)}-{hexs(5)}   1/1     Running   0          {R.randint(1, 30)}d"),
    ("shell", lambda: f"$ pip install {word()}=={version()}\nSuccessfully installed {word()}-{version()}"),
    ("dockerfile", lambda: f"FROM python:3.{R.randint(8, 13)}-slim\nARG {word().upper()}_VERSION={version()}\nENV PYTHONUNBUFFERED=1\nRUN pip install --no-cache-dir {word()}"),
    ("terraform", lambda: f"variable \"db_password\" {{\n  type      = string\n  sensitive = true\n}}\n\nresource \"aws_db_instance\" \"{word()}\" {{\n  password = var.db_password\n}}"),
    ("terraform", lambda: f"resource \"aws_s3_bucket\" \"{word()}\" {{\n  bucket = \"{word()}-{word()}-{num()}\"\n  tags = {{ Name = \"{word()}\" }}\n}}"),
    ("makefile", lambda: f"{word()}: build\n\t$(PYTHON) -m {word()} --out dist/{word()}-$(VERSION).tar.gz"),
    ("markdown", lambda: f"## Authentication\n\nSet `{word().upper()}_TOKEN` in your environment. Create a token at https://example.com/settings/tokens and never commit it."),
    ("markdown", lambda: f"| key | description |\n|-----|-------------|\n| `{snake()}` | the {word()} to use |\n| `{snake()}_key` | lookup key for the {word()} |"),
    ("log", lambda: f"2026-0{R.randint(1, 9)}-{R.randint(10, 28)}T10:{R.randint(10, 59)}:00Z INFO request_id={uuid()} status=200 duration_ms={num(1, 900)}"),
    ("log", lambda: f"[{word()}] token refresh scheduled in {num(1, 3600)}s (key id {hexs(8)})"),
    ("prose", lambda: f"The password must be at least {R.randint(8, 16)} characters long and the API key is shown only once."),
    ("prose", lambda: f"Build {num(100, 999)} of version {version()} ran {num(10, 900)} tests in {num(1, 60)} s on {R.randint(2, 64)} cores."),
    ("css", lambda: f".{word()}-password input[type=\"password\"] {{ border: 1px solid #{hexs(6)}; }}"),
    ("html", lambda: f"<link rel=\"stylesheet\" href=\"/static/{word()}.{hexs(20)}.css\" integrity=\"sha384-{rnd(64, string.ascii_letters + string.digits + '+/')}\">"),
    ("powershell", lambda: f"$cred = Get-Credential -UserName {R.choice(NAMES)} -Message \"{word()}\"\n$secure = ConvertTo-SecureString $plain -AsPlainText -Force"),
    ("nginx", lambda: f"server {{\n  listen {R.choice([80, 443, 8080])};\n  server_name {word()}.example.com;\n  ssl_certificate_key /etc/ssl/private/{word()}.key;\n}}"),
    ("kotlin", lambda: f"val prefs = getSharedPreferences(\"{word()}\", MODE_PRIVATE)\nval token = prefs.getString(\"token\", null)"),
    ("swift", lambda: f"let keychainKey = \"com.example.{word()}.token\"\nlet query: [String: Any] = [kSecAttrAccount as String: keychainKey]"),
]

# -- planted: (language, type, template) where the template returns (text, value) -------------------
Planted = Callable[[], tuple[str, str]]


def _p(fmt: Callable[[str], str], value: Callable[[], str]) -> Planted:
    def make() -> tuple[str, str]:
        v = value()
        return fmt(v), v

    return make


PLANTED: list[tuple[str, str, Planted]] = [
    ("python", "password", _p(lambda v: f"conn = psycopg2.connect(host=\"db\", user=\"app\", password=\"{v}\")", password)),
    ("python", "secret", _p(lambda v: f"STRIPE_WEBHOOK_SECRET = \"{v}\"", lambda: rnd(32))),
    ("javascript", "password", _p(lambda v: f"const db = mysql.createConnection({{ host: 'localhost', user: 'root', password: '{v}' }});", password)),
    ("yaml", "password", _p(lambda v: f"spring:\n  datasource:\n    username: app\n    password: {v}\n", password)),
    ("dotenv", "password", _p(lambda v: f"POSTGRES_USER=app\nPOSTGRES_PASSWORD={v}\n", password)),
    ("shell", "password", _p(lambda v: f"$ docker login -u {R.choice(NAMES)} -p {v} registry.example.com", password)),
    ("shell", "password", _p(lambda v: f"$ mysql -h db -u root -p{v} {word()}", password)),
    ("shell", "password", _p(lambda v: f"$ PGPASSWORD={v} psql -h db -U app -c 'select 1'", password)),
    ("shell", "password", _p(lambda v: f"$ curl -u {R.choice(NAMES)}:{v} https://ci.example.com/api/json", password)),
    ("shell", "password", _p(lambda v: f"$ redis-cli -h cache -a {v} INFO", password)),
    ("shell", "password", _p(lambda v: f"$ sshpass -p '{v}' ssh deploy@{word()}.internal", password)),
    ("shell", "url_credentials", _p(lambda v: f"$ git clone https://{R.choice(NAMES)}:{v}@git.example.com/{word()}.git", password)),
    ("netrc", "password", _p(lambda v: f"machine api.{word()}.com\n  login {R.choice(NAMES)}\n  password {v}\n", password)),
    ("pgpass", "password", _p(lambda v: f"db.internal:5432:{word()}:app:{v}\n", password)),
    ("sql", "password", _p(lambda v: f"CREATE USER '{word()}'@'%' IDENTIFIED BY '{v}';", password)),
    ("sql", "password", _p(lambda v: f"ALTER ROLE {word()} WITH LOGIN PASSWORD '{v}';", password)),
    ("java", "password", _p(lambda v: f"ds.setPassword(\"{v}\");\nds.setUsername(\"app\");", password)),
    ("csharp", "password", _p(lambda v: f"client.Credentials = new NetworkCredential(\"{R.choice(NAMES)}\", \"{v}\");", password)),
    ("python", "password", _p(lambda v: f"r = requests.get(url, auth=(\"{R.choice(NAMES)}\", \"{v}\"))", password)),
    ("terraform", "secret", _p(lambda v: f"variable \"db_password\" {{\n  default = \"{v}\"\n}}", password)),
    ("ansible", "password", _p(lambda v: f"all:\n  vars:\n    ansible_password: {v}\n", password)),
    ("helm", "password", _p(lambda v: f"$ helm install db bitnami/mysql --set auth.rootPassword={v}", password)),
    ("http", "secret", _p(lambda v: f"Set-Cookie: sessionid={v}; Path=/; HttpOnly", lambda: rnd(32))),
    ("json", "secret", _p(lambda v: f"{{\"auths\": {{\"ghcr.io\": {{\"auth\": \"{v}\"}}}}}}", lambda: rnd(40))),
    ("rust", "secret", _p(lambda v: f"const SIGNING_KEY: &str = \"{v}\";", lambda: rnd(40))),
    ("log", "secret", _p(lambda v: f"2026-03-01 12:00:01 DEBUG loaded credential {v} for tenant {word()}", lambda: rnd(32))),
    ("prose", "secret", _p(lambda v: f"Oops, I accidentally pasted {v} in the channel, rotating it now.", lambda: rnd(36))),
    ("prose", "password", _p(lambda v: f"Das Passwort lautet {v} und gilt ab sofort.", password)),
    ("prose", "password", _p(lambda v: f"le mot de passe est {v} pour le wifi", password)),
    ("kubernetes", "secret", _p(lambda v: f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {word()}\ndata:\n  token: {v}\n",
                                lambda: rnd(40, string.ascii_letters + string.digits + "+/") + "==")),
    ("yaml", "home_path", _p(lambda v: f"cache_dir: /home/{v}/.cache/{word()}", lambda: R.choice(NAMES) + num(10, 99))),
    ("prose", "phone", _p(lambda v: f"Name: {R.choice(NAMES).title()}\nPhone: {v}", lambda: f"0{R.randint(20, 89)} {R.randint(100, 999)} {R.randint(1000, 9999)}")),
    ("prose", "email", _p(lambda v: f"Email me at {v} when it ships.", lambda: f"{R.choice(NAMES)}.{word()}@{word()}mail.com")),
]


def build() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    dev: list[dict[str, object]] = []
    held: list[dict[str, object]] = []
    for i, (lang, template) in enumerate(BENIGN):
        target = held if i % 4 == 3 else dev
        for k in range(6):
            target.append({"id": f"b{i:03d}_{k}", "kind": "benign", "lang": lang, "text": template()})
    for i, (lang, type_, planted) in enumerate(PLANTED):
        target = held if i % 4 == 3 else dev
        for k in range(4):
            text, value = planted()
            target.append({"id": f"s{i:03d}_{k}", "kind": "planted", "lang": lang, "type": type_, "text": text,
                           "value": value})
    return dev, held


def main() -> None:
    dev, held = build()
    for name, rows in (("everyday.jsonl", dev), ("heldout.jsonl", held)):
        (HERE / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{name}: {len(rows)} rows")


if __name__ == "__main__":
    main()
