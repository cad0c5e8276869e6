"""Passwords given to a call: a constructor or function whose N-th argument is one
(`new NetworkCredential(user, "…")`, `smtp.PlainAuth("", user, "…", host)`), a setter
(`setPassword("…")`), a key-and-value call (`props.put("mail.smtp.password", "…")`), and a
literal compared with a password or with what a user typed (`if ("…" == password)`).

The constructors are a table (callee, anchors, the password's position), turned into rules.
"""

from __future__ import annotations

from typing import Any

from . import assign
from .family import Family
from .rule import Rule
from .syntaxes import PASSWORD, password_arg
from .validators import random_token

# Constructors and calls whose N-th argument is a password: (callee, anchors, position).
_CALLS: list[tuple[str, tuple[str, ...], int]] = [
    (r"NetworkCredential", ("networkcredential",), 2),
    (r"PasswordAuthentication", ("passwordauthentication",), 2),
    (r"UsernamePassword(?:Credentials|Token|AuthenticationToken)", ("usernamepassword",), 2),
    (r"(?:HTTPBasicAuth|HTTPDigestAuth|HttpBasicAuth|BasicAuth|BasicAuthentication|aiohttp\.BasicAuth)",
     ("httpbasicauth", "httpdigestauth", "basicauth"), 2),
    (r"(?:PasswordCredential|SimpleCredentials|PlainCredentials|ClientSecretCredential)",
     ("passwordcredential", "simplecredentials", "plaincredentials", "clientsecretcredential"), 2),
    (r"(?:auth|basic_auth|http_auth|httpauth|credentials)[ \t]*=[ \t]*", ("auth", "basic_auth", "http_auth",
     "httpauth", "credentials"), 2),
    (r"\.(?:login|simple_bind_s|simple_bind|bind_s|authenticate|auth)", (".login", ".simple_bind", ".bind_s",
     ".authenticate", ".auth"), 2),
    (r"DirectoryEntry", ("directoryentry",), 3),
    (r"(?:DriverManager\.)?getConnection", ("getconnection",), 3),
    (r"MongoCredential\.create\w*Credential", ("mongocredential",), 3),
    (r"\.(?:SetBasicAuth|setBasicAuth|set_basic_auth|basic_auth)",
     (".setbasicauth", ".set_basic_auth", ".basic_auth"), 2),
    (r"Credentials(?:::new|\.new|\.of|\.create)", ("credentials",), 2),
    (r"DBI->connect(?:_cached)?", ("dbi",), 3),  # Perl: DBI->connect($dsn, $user, $password)
    # PHP: new PDO($dsn, $user, $password), mysqli, ldap_bind, imap_open, ftp_login
    (r"(?:new[ \t]+)?(?:PDO|mysqli|mysqli_connect|ldap_bind|imap_open|ftp_login)",
     ("pdo", "mysqli", "ldap_bind", "imap_open", "ftp_login"), 3),
    (r"(?:pymysql|MySQLdb|mysql\.connector)\.connect", ("pymysql", "mysqldb", "mysql.connector"), 3),
    (r"(?:ftplib\.)?FTP(?:_TLS)?|Net::FTP\.(?:new|open)", ("ftp", "net::ftp"), 3),
    (r"(?:smtp\.)?PlainAuth", ("plainauth",), 3),  # Go: smtp.PlainAuth(identity, user, password, host)
    (r"(?:smtp\.)?CRAMMD5Auth", ("crammd5auth",), 2),
    # Ruby: Net::SMTP.start(address, port, helo, user, secret, authtype)
    (r"Net::SMTP\.start", ("net::smtp",), 5),
]
# Rust and Java turn a literal into an owned string or a char array on the way in.
_CONVERT = r"(?:\.(?:to_string|to_owned|into|toCharArray)\(\))?"
_CALL_ARG = r"""(?:"[^"\n]{0,200}"|'[^'\n]{0,200}'|[\w.$@:/\\\[\]-]{1,200})""" + _CONVERT


def _call_rule(callee: str, anchors: tuple[str, ...], position: int) -> Rule:
    before = r"[ \t]*,[ \t\r\n]*".join([_CALL_ARG] * (position - 1))
    return Rule(
        "password",
        ("" if callee.startswith("\\.") else r"(?<![\w$])") + "(?:" + callee + ")"
        + r"[ \t]*[(\[][ \t\r\n]*" + before + r"[ \t]*,[ \t\r\n]*@?"
        r"""(?:"(?P<value>[^"\n]{1,200})"|'(?P<value>[^'\n]{1,200})')[ \t]*""" + _CONVERT + r"[ \t]*[,)\]]",
        PASSWORD,
        validator=password_arg,
        anchors=anchors,
    )


def _setter_ok(m: Any) -> bool:
    level = assign.strength(m.group("kw"))
    value: str = m.group("value")
    if level == "weak":
        return random_token(value)
    return level is not None and password_arg(value)


def _typed_ok(m: Any) -> bool:
    """A literal compared with what a user typed (`input == "…"`): a hard-coded password only when
    written like one (upper and lower case and a digit, or a symbol, a digit and a letter), so
    `answer == "yes"` and `input == "quit"` stay."""
    value: str = m.group("value")
    if len(value) < 6 or any(c.isspace() for c in value) or not password_arg(value):
        return False
    digit, alpha = any(c.isdigit() for c in value), any(c.isalpha() for c in value)
    mixed = any(c.isupper() for c in value) and any(c.islower() for c in value)
    return digit and alpha and (mixed or not value.isalnum())


# Names of what a user typed or entered, compared with a literal that then is the password.
# (`typed`, `entered`, `supplied` would make every `type`, `enter`, `support` in a text a candidate.)
_TYPED = r"(?i:input|user_?input|guess)(?:\((?:[^()\n]|\([^()\n]*\)){0,80}\))?"  # `input("Password: ")` too
_TYPED_ANCHORS = ("input", "user_input", "userinput", "guess")


def _compared_ok(m: Any) -> bool:
    whole = m.group("kw") if "kw" in m.re.groupindex else m.group("pre") + m.group(0)
    name: str = whole.rsplit(".", 1)[-1].rsplit(">", 1)[-1]
    return assign.strength(name) in ("password", "strong") and password_arg(m.group("value"))


_CALL_FAMILY = Family(
    "call_password",
    (
        *(_call_rule(c, a, p) for c, a, p in _CALLS),
        Rule(
            "password",
            # setPassword("…"), .withPassword("…"), set_secret('…'), builder.password("…"): anchored on
            # the secret word (`set`, `with` start too many words), the verb in a lookbehind
            r"(?<=(?<![\w$])(?:set|with|put)?_?)(?P<kw>(?i:password|passwd|pwd|passphrase|secret(?:key)?|api_?key"
            r"|access_?key|auth_?token|access_?token|credentials?|private_?key|token))[ \t]*\([ \t]*"
            r"""(?:"(?P<value>[^"\n]{1,200})"|'(?P<value>[^'\n]{1,200})')[ \t]*(?:\.toCharArray\(\)[ \t]*)?\)""",
            PASSWORD,
            check=_setter_ok,
            anchors=("password", "passwd", "pwd", "passphrase", "secret", "api", "access", "auth", "token",
                     "credential", "private"),
        ),
        Rule(
            "password",
            # if ("…" == password): anchored on the secret word, the literal and the operator behind it
            r"""(?<=(?:"(?P<value>[^"\n]{1,200})"|'(?P<value>[^'\n]{1,200})')"""
            r"[ \t]*[=!]==?[ \t]*(?P<pre>[\w$.>-]{0,40}))"
            r"(?i:pass|pwd|secret|private|credential|apikey|api_key)(?P<post>[\w$]{0,40})",
            PASSWORD,
            check=_compared_ok,
            anchors=("pass", "pwd", "secret", "private", "credential", "apikey", "api_key"),
        ),
        Rule(
            "password",
            # if (input == "…"), input.equals("…"), "…" == input: a literal checked against what was typed
            r"(?<![\w$.])" + _TYPED + r"[ \t]*(?:===?|!==?|\.[Ee]quals(?:IgnoreCase)?\()[ \t]*"
            r"""(?:"(?P<value>[^"\n]{1,100})"|'(?P<value>[^'\n]{1,100})')""",
            PASSWORD,
            check=_typed_ok,
            anchors=_TYPED_ANCHORS,
        ),
        Rule(
            "password",
            r"""(?<=[=(][ \t]{0,4})(?<=(?:"(?P<value>[^"\n]{1,100})"|'(?P<value>[^'\n]{1,100})')[ \t]*"""
            r"""(?:[=!]==?|\.[Ee]quals\()[ \t]*)"""
            r"(?<![\w$.])" + _TYPED + r"(?![\w$])",
            PASSWORD,
            check=_typed_ok,
            anchors=_TYPED_ANCHORS,
        ),
        Rule(
            "password",
            # "…".equals(password)
            r"""(?<=(?:"(?P<value>[^"\n]{1,200})"|'(?P<value>[^'\n]{1,200})'))\.[Ee]quals(?:IgnoreCase)?\("""
            r"[ \t]*(?P<kw>[\w$.>-]{1,60})",
            PASSWORD,
            check=_compared_ok,
            anchors=(".equals",),
        ),
    ),
    match=(
        ('user.setPassword("S3tterPw!");', "S3tterPw!"),
        ("cfg.set_password('Py7setpw')", "Py7setpw"),
        ('DataSource.builder().withPassword("B1lderPw")', "B1lderPw"),
        ('var c = new NetworkCredential(user, "NetCr3d!x");', "NetCr3d!x"),
        ('new System.Net.NetworkCredential("cidownload", "AP7JaG9ToerxBc6g");', "AP7JaG9ToerxBc6g"),
        ('return new PasswordAuthentication(user, "J4vaAuth".toCharArray());', "J4vaAuth"),
        ('requests.get(url, auth=("user", "R3qPass9"))', "R3qPass9"),
        ("session = HTTPBasicAuth('svc', 'B4sicPw!')", "B4sicPw!"),
        ('server.login("me@example.com", "Smtp9pass")', "Smtp9pass"),
        ('new DirectoryEntry("LDAP://EX.COM", "ADMIN@EX.COM", "Rrhh1234");', "Rrhh1234"),
        ('DriverManager.getConnection(url, "sa", "Jdbc9Pw")', "Jdbc9Pw"),
        ('if ("Cmp4rePw!" == password) {', "Cmp4rePw!"),
        ("if ('Cmp4rePw!' !== my_secret) {", "Cmp4rePw!"),
        ('if ("EqPass99".equals(password)) {', "EqPass99"),
        ('req.SetBasicAuth("admin", "G0basic@455")', "G0basic@455"),
        ('let c = Credentials::new("smtp_user".to_string(), "Xw6yI3O^986".to_string());', "Xw6yI3O^986"),
        ('my $dbh = DBI->connect("dbi:mysql:app", "app", "Pe7lDbi!x");', "Pe7lDbi!x"),
        ("$pdo = new PDO($dsn, 'shop', 'Pd0Sh0pPw');", "Pd0Sh0pPw"),
        ("$db = new mysqli('localhost', 'app', 'Mys9liPw!', 'shop');", "Mys9liPw!"),
        ("conn = pymysql.connect('db', 'root', 'PyMy5qlPw', 'app')", "PyMy5qlPw"),
        ("ftp = ftplib.FTP('ftp.corp', 'upload', 'Ftp9Upl0ad')", "Ftp9Upl0ad"),
        ("Net::SMTP.start('smtp.corp', 587, 'corp', 'mailer', 'RbSmtp9Pw', :login)", "RbSmtp9Pw"),
        ('auth := smtp.PlainAuth("", "noreply@acme.io", "G0SmtpPl4in", "smtp.acme.io")', "G0SmtpPl4in"),
        ('if (input == "K0tl1nCmp!") unlock()', "K0tl1nCmp!"),
        ("if guess == 'Sesame42!':", "Sesame42!"),
        ('if ("Sw0rdf1sh" === userInput) {', "Sw0rdf1sh"),
        ('if (input.equals("Op3nSesame")) {', "Op3nSesame"),
        ('if input("Password: ") == "Py9Gu3ss!":', "Py9Gu3ss!"),
    ),
    keep=(
        "user.setPassword(password);",
        'user.setPassword(request.getParameter("password"));',
        "new NetworkCredential(user, pass);",
        'auth=("user", os.environ["PASS"])',
        'if ("" == password) {',
        'if (password == "") {',
        'setToken("user_settings")',
        'if ("password" === field.name) {',
        "requests.get(url, auth=(user, password))",
        "req.SetBasicAuth(user, pass)",
        'let c = Credentials::new(user.to_string(), env::var("SMTP_PASS")?);',
        'my $dbh = DBI->connect($dsn, $user, $ENV{DB_PASS});',
        "$pdo = new PDO($dsn, $user, $pass);",
        'auth := smtp.PlainAuth("", user, password, host)',
        "ftp = FTP('ftp.corp', 'anonymous', '')",
        'if (input == "quit") break;',
        "if guess == 'yes':",
        'if (input === "UTF-8") {',
        'if (input == "hello world 2") {',
        'if input("Continue? ") == "y":',
    ),
)

FAMILIES = [_CALL_FAMILY]
