"""Where a password is written without a `password = …` in front of it: command-line flags,
credential files, SQL, calls and constructors, infrastructure code.

Each syntax is a row of a table (a command and the flag that takes the password, a constructor and
the argument position of the password, …) turned into rules, so a new tool is one row, not a new
pattern. Only the value is replaced; the command, the call and the user name stay readable.
"""

from __future__ import annotations

from typing import Any

from . import assign
from .family import Family
from .rule import Rule
from .validators import placeholder, random_token

PASSWORD = "<REDACTED>"
SECRET = "<SECRET>"

# One shell argument: quoted (the quotes stay) or bare up to whitespace or a shell operator.
ARG = r"""(?:"(?P<value>[^"\n]{1,200})"|'(?P<value>[^'\n]{1,200})'|(?P<value>[^\s"'`;|&<>()]{1,200}))"""
# The rest of a command line, across `\` continuations, not past a pipe or another command.
_REST = r"(?:[^\n|;&]|\\\r?\n){0,300}?"


def password_arg(value: str) -> bool:
    """A literal password: not a variable, another flag, a file reference or a placeholder."""
    v = value.strip()
    if not v or v.startswith(("$", "%", "-", "/", "@", "`", ":", "?")) or placeholder(v):
        return False
    return not (v.endswith(">") and "<" not in v)  # the tail of `<user:password>`


def named_value(m: Any) -> bool:
    """A match's `name` and `value` (a JSON-RPC parameter, an SQL column): a weak name such as
    `token` needs a random value, a password or strong name one that is a literal password."""
    level = assign.strength(m.group("name"))
    value: str = m.group("value")
    if level == "weak":
        return random_token(value)
    return level in ("password", "strong") and password_arg(value)


# (command, anchors, the flag and separator before the password). Commands are matched as words.
_CLI: list[tuple[str, tuple[str, ...], str]] = [
    (r"(?:docker|podman|skopeo|nerdctl|oras|helm[ \t]+registry)[ \t]+login",
     ("docker", "podman", "skopeo", "nerdctl", "oras", "helm"), r"(?:-p|--password)(?:[ \t]+|=)"),
    (r"(?:mongosh|mongo|mongodump|mongorestore|mongoexport|mongoimport|mongostat|mongotop)",
     ("mongo",), r"(?:-p|--password)(?:[ \t]+|=)"),
    # mysql's `-p secret` would prompt and take `secret` as the database: only `-pX`, `--password=X`.
    (r"(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mysqlsh|mariadb|mariadb-dump)",
     ("mysql", "mariadb"), r"(?:-p(?=[^\s-])|--password=)"),
    (r"sshpass", ("sshpass",), r"-p[ \t]*"),
    (r"(?<=(?<![\w-])az[ \t]{1,10})login", ("login",), r"(?:-p|--password)(?:[ \t]+|=)"),
    (r"redis-cli", ("redis-cli",), r"(?:-a|--pass)(?:[ \t]+|=)"),
    (r"(?:keytool|jarsigner)", ("keytool", "jarsigner"),
     r"-(?:store|key|srcstore|srckey|deststore|destkey)?pass[ \t]+(?:pass:)?"),
    (r"apksigner", ("apksigner",), r"--(?:ks|key)-pass[ \t]+pass:"),
    (r"openssl", ("openssl",), r"(?:-pass(?:out|in|word)?[ \t]+pass:|-k[ \t]+)"),
    (r"wget", ("wget",), r"--(?:http-|ftp-|proxy-)?password(?:=|[ \t]+)"),
    (r"(?:sqlcmd|bcp|osql|isql|sqlpackage)", ("sqlcmd", "bcp", "osql", "isql", "sqlpackage"), r"-P[ \t]*"),
    (r"ldap(?:search|add|modify|delete|passwd|whoami|compare|modrdn)", ("ldap",), r"-w[ \t]+"),
    (r"(?:smbclient|rpcclient|smbmap|crackmapexec|nxc|netexec)", ("smbclient", "rpcclient", "smbmap", "crackmapexec",
     "nxc", "netexec"), r"(?:-U|--user(?:name)?)(?:[ \t]+|=)[\"']?[^\s%\"']{1,64}%"),
    (r"(?:xfreerdp|wlfreerdp|sdl-freerdp)", ("xfreerdp", "wlfreerdp", "sdl-freerdp"), r"/p:"),
    (r"rdesktop", ("rdesktop",), r"-p[ \t]+"),
    (r"mosquitto_(?:pub|sub|rr)", ("mosquitto_",), r"-P[ \t]+"),
    (r"rabbitmqctl[ \t]+(?:add_user|change_password)[ \t]+[^\s]{1,64}", ("rabbitmqctl",), r""),
    (r"(?:useradd|usermod)", ("useradd", "usermod"), r"(?:-p|--password)[ \t]+"),
    (r"ssh-keygen", ("ssh-keygen",), r"-[NP][ \t]+"),
    (r"gpg2?", ("gpg",), r"--passphrase(?:[ \t]+|=)"),
    (r"(?:7za|7zz|rar|unrar)", ("7za", "7zz", "rar"), r"-p(?=[^\s-])"),
    (r"(?:zip|unzip)", ("zip",), r"-P[ \t]+"),
    (r"(?:psexec|PsExec)(?:\.exe)?", ("psexec",), r"-p[ \t]+"),
    (r"(?:vncpasswd|x11vnc)", ("vncpasswd", "x11vnc"), r"-(?:f|passwd|storepasswd)[ \t]+"),
    (r"lftp", ("lftp",), r"-u[ \t]+[\"']?[^\s,\"']{1,64},"),
    (r"(?<=ConvertTo-)SecureString", ("securestring",), r"(?:-String[ \t]+)?"),
    # `pulumi config set --secret dbPassword VALUE`: the key's name, then its value (a `#` starts a comment)
    (r"pulumi[ \t]+config[ \t]+set[ \t]+--secret[ \t]+[\w:.-]{1,100}(?=[ \t]+[^\s#])", ("pulumi",), r""),
]


def _cli_rules() -> list[Rule]:
    rules = [
        Rule(
            "password",
            ("" if cmd.startswith("(?<=") else r"(?<![\w-])") + cmd + r"(?![\w-])"
            + (_REST if flag else "") + r"[ \t]+" + flag + ARG,
            PASSWORD,
            validator=password_arg,
            anchors=anchors,
        )
        for cmd, anchors, flag in _CLI
    ]
    rules.append(
        Rule(
            "password",
            # Redis `AUTH [user] password` at a prompt or a line start (the command is upper case there)
            r"(?<=(?:^|\n)(?:[\w.:-]{0,60}>[ \t]?)?)AUTH[ \t]+(?:[\w.-]{1,64}[ \t]+)?" + ARG + r"[ \t]*(?=\r?\n|$)",
            PASSWORD,
            # a digit among letters, or random: `AUTH mechanism PLAIN` is SMTP/SASL talk
            validator=lambda v: password_arg(v) and assign.prose_value(v),
            anchors=("auth ",),
        )
    )
    rules.append(
        Rule(
            "password",
            # 7z a -pSECRET archive.7z
            r"(?<![\w-])7z[ \t]+[a-z][ \t]+(?:[^\n|;&]{0,300}?[ \t])?-p(?=[^\s-])" + ARG,
            PASSWORD,
            validator=password_arg,
            anchors=("7z ",),
        )
    )
    rules.append(
        Rule(
            "password",
            # net use Z: \\host\share /user:DOMAIN\name PASSWORD
            r"(?<=(?<![\w-])net[ \t]+use[ \t][^\n|;&]{0,300}?)/user:[^\s]{1,100}[ \t]+" + ARG,
            PASSWORD,
            validator=password_arg,
            anchors=("/user:",),
        )
    )
    rules.append(
        Rule(
            "password",
            # curl -u user:pass | --user "user:pass" | -u user:'pass' | -u "apikey:" (a key as user)
            r"(?<![\w-])curl(?![\w-])" + _REST + r"[ \t](?:-u|--user|--proxy-user|-U)(?:[ \t]*|=)"
            r"""(?:"[^"\s:<>\[]{0,64}:(?P<value>[^"\n]{1,200})"|'[^'\s:<>\[]{0,64}:(?P<value>[^'\n]{1,200})'"""
            r"""|[^\s"':<>\[]{1,64}:'(?P<value>[^'\n]{1,200})'|[^\s"':<>\[]{1,64}:"(?P<value>[^"\n]{1,200})\""""
            r"""|"(?P<value>[^"\s:]{8,200}):"|[^\s"':<>\[]{0,64}:(?P<value>[^\s"']{1,200}))""",
            PASSWORD,
            validator=password_arg,
            anchors=("curl",),
        )
    )
    rules.append(
        Rule(
            "password",
            # echo 'pass' | docker login --password-stdin; echo 'user:pass' | chpasswd
            r"(?<![\w-])echo[ \t]+(?:-[en][ \t]+)?(?:[\"']?[\w.-]{1,64}:)?" + ARG
            + r"[\"']?[ \t]*\|[ \t]*(?:sudo[ \t]+)?(?:chpasswd|[\w-]{2,20}(?:[ \t]+registry)?[ \t]+login\b)",
            PASSWORD,
            validator=password_arg,
            anchors=("echo",),
        )
    )
    return rules


_CLI_FAMILY = Family(
    "cli_password",
    tuple(_cli_rules()),
    match=(
        ("docker login -u ci -p Xq7!mz2Rv registry.example.com", "Xq7!mz2Rv"),
        ("redis-cli -h cache -a 'r3d!sPw9' ping", "r3d!sPw9"),
        ("mongosh --username app -p Mg0pass77 --authenticationDatabase admin", "Mg0pass77"),
        ("mysql -u root -pT0ps3cret! shop", "T0ps3cret!"),
        ("mysqldump --user=root --password=Dump9Pw shop > shop.sql", "Dump9Pw"),
        ("sshpass -p 'Ss9hpass' ssh deploy@web1", "Ss9hpass"),
        ("az login --service-principal -u http://app -p AzPw9x22 --tenant t1", "AzPw9x22"),
        ("keytool -genkey -alias app -keystore app.jks -storepass Ks7store -keypass Kp7key", "Ks7store"),
        ("keytool -importcert -file ca.pem -keystore t.jks -keypass Kp7key -noprompt", "Kp7key"),
        ("openssl pkcs12 -export -in c.pem -out c.p12 -passout pass:P12exp0rt", "P12exp0rt"),
        ("openssl rsa -in enc.key -passin pass:Inp4ss -out dec.key", "Inp4ss"),
        ("curl -u admin:Cu7lpass https://api.example.com", "Cu7lpass"),
        ('curl --user "deploy:W9x!pass" https://api.example.com', "W9x!pass"),
        ("curl -s --user kevin:'pRf7vG2h1L8n' -X PATCH https://x.example.com", "pRf7vG2h1L8n"),
        ("wget --user=bob --password=Wg3tpass https://files.example.com/a.tgz", "Wg3tpass"),
        ("sqlcmd -S db1 -U sa -P 'Sq1Pass!' -Q 'select 1'", "Sq1Pass!"),
        ("ldapsearch -x -D cn=admin,dc=ex -w Ld4pPw -b dc=ex", "Ld4pPw"),
        ("smbclient //srv/share -U alice%Smb9pass", "Smb9pass"),
        ("echo 'Dh7pass' | docker login -u ci --password-stdin", "Dh7pass"),
        ("echo 'deploy:Chp4ss9' | sudo chpasswd", "Chp4ss9"),
        ("docker login \\\n  -u ci \\\n  -p Ml7tiLine reg.example.com", "Ml7tiLine"),
        ("curl --cacert ca.crt -u elastic:P@ssw0rd$1 https://localhost:9200", "P@ssw0rd$1"),
        ("lftp -u deploy,Lf7pass_9 sftp://files.example.org", "Lf7pass_9"),
        ('$c = ConvertTo-SecureString "Ps7Secure!" -AsPlainText -Force', "Ps7Secure!"),
        ("7z a -pZ7ipPass9 -mhe=on backup.7z ./exports", "Z7ipPass9"),
        ("net use Z: \\\\nas\\backup /user:CORP\\backup Nu7sePw=5", "Nu7sePw=5"),
        ("$ pulumi config set --secret dbPassword Pu7miPw!x", "Pu7miPw!x"),
        ("127.0.0.1:6379> AUTH Rd9sAuth+x\nOK", "Rd9sAuth+x"),
        ("AUTH default Rd9sAcl-22", "Rd9sAcl-22"),
    ),
    keep=(
        "docker login -u ci -p $REGISTRY_TOKEN registry.example.com",
        "docker login --password-stdin -u ci reg.example.com",
        "docker run -p 8080:80 nginx",
        "ssh -p 2222 deploy@web1",
        "mkdir -p build/out && mysql -u root -p shop",
        "curl -u <user:password> https://test.com/endpoint",
        "curl --user neo4j:[PASSWORD] http://[IP]:7474/db/data/",
        'curl --user "xxx:yyy"',
        "redis-cli -a \"$REDIS_PASSWORD\" ping",
        "openssl rsa -in enc.key -passin env:KEY_PASS -out dec.key",
        "keytool -list -keystore app.jks -storepass:env STOREPASS",
        "psql -h db -p 5432 -U app",
        "lftp -u deploy sftp://files.example.org",
        "$c = Read-Host -AsSecureString | ConvertTo-SecureString",
        "7z x -p archive.7z",
        "net use Z: \\\\nas\\backup /user:CORP\\backup /persistent:yes",
        "$ pulumi config set --secret dbPassword  # prompts for the value",
        "AUTH $REDIS_PASSWORD",
        "The AUTH command takes a password.",
        "AUTH mechanism PLAIN",
    ),
)

_CREDENTIAL_FILE_FAMILY = Family(
    "credential_file",
    (
        Rule(
            "password",
            # .netrc: `machine host login user password pass`, on one line or several.
            r"(?<=(?:^|\s)(?:machine[ \t]+[^\s]{1,253}|default)"
            r"(?:\s+(?:login|account|port|protocol|user)[ \t]+[^\s]{1,253}){0,4}\s+)"
            r"password[ \t]+(?P<value>[^\s]{1,200})",
            PASSWORD,
            validator=password_arg,
            anchors=("password",),
        ),
        Rule(
            "password",
            # .pgpass: host:port:database:user:password, one entry a line. Scanned from the colon
            # before the port (a literal the regex module jumps to), the host in a lookbehind.
            r":(?:[0-9]{1,5}|\*):(?<=(?:^|\n)[ \t]*(?=[^:\n]*[A-Za-z*])[A-Za-z0-9_.*\[\]-]{1,253}:(?:[0-9]{1,5}|\*):)"
            r"(?=[^:\n]*[A-Za-z*_])[^:\s]{1,64}:(?=[^:\n]*[A-Za-z*_])[^:\s]{1,64}:"
            r"(?P<value>[^\s]{1,200})[ \t]*(?=\r?\n|$)",
            PASSWORD,
            validator=password_arg,
            prefilter=(":",),
        ),
    ),
    match=(
        ("machine api.example.com login alice password N3trcPw9", "N3trcPw9"),
        ("machine api.example.com\n  login alice\n  password N3trcPw9\n", "N3trcPw9"),
        ("default login anonymous password Anon9pw", "Anon9pw"),
        ("db.internal:5432:orders:app:Pg9pass!x\n", "Pg9pass!x"),
        ("*:*:*:replicator:R3plPass", "R3plPass"),
        ("localhost:5432:*:postgres:Loc4lPw\nother:5433:db:u:Sec0nd99", "Sec0nd99"),
    ),
    keep=(
        "machine api.example.com login alice password $NETRC_PASS",
        "12:30:45:123:456",
        "time 2024:03:18:09:14",
        "std::map<int, int>::iterator it;",
    ),
)

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
]
# Rust and Java turn a literal into an owned string or a char array on the way in.
_CONVERT = r"(?:\.(?:to_string|to_owned|into|toCharArray)\(\))?"
_CALL_ARG = r"""(?:"[^"\n]{0,200}"|'[^'\n]{0,200}'|[\w.$@:/\\\[\]-]{1,200})""" + _CONVERT


def _call_rule(callee: str, anchors: tuple[str, ...], position: int) -> Rule:
    before = r"[ \t]*,[ \t\r\n]*".join([_CALL_ARG] * (position - 1))
    return Rule(
        "password",
        ("" if callee.startswith("\\.") else r"(?<![\w$])") + callee
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
    ),
)


def _terraform_ok(m: Any) -> bool:
    level = assign.strength(m.group("name"))
    value: str = m.group("value")
    sensitive = "sensitive" in m.group("body")
    if level == "weak" and not sensitive:
        return random_token(value)
    return (level is not None or sensitive) and password_arg(value)


_IAC_FAMILY = Family(
    "iac_secret",
    (
        Rule(
            "secret",
            r'variable[ \t]+"(?P<name>[\w-]{1,80})"[ \t]*\{(?P<body>[^{}]{0,600}?)(?<![\w])default[ \t]*=[ \t]*'
            r'"(?P<value>[^"\n]{1,500})"',
            SECRET,
            check=_terraform_ok,
            anchors=("variable",),
            reach=2048,
        ),
        Rule(
            "password",
            # Oracle: jdbc:oracle:thin:user/pass@host, sqlplus user/pass@db, expdp user/pass
            r"(?i)(?:jdbc:oracle:[a-z0-9]{1,8}:|(?<![\w-])(?:sqlplus|expdp|impdp|sqlldr|dgmgrl|rman[ \t]+target=?)"
            r"[ \t]+(?:-[A-Za-z]+[ \t]+)*(?:userid=)?)[\"']?[\w$#.-]{1,64}/"
            r"(?P<value>[^\s@/\"']{1,128})(?=[@\s\"']|$)",
            PASSWORD,
            validator=password_arg,
            anchors=("jdbc:oracle:", "sqlplus", "expdp", "impdp", "sqlldr", "dgmgrl", "rman"),
        ),
    ),
    match=(
        ('variable "db_password" {\n  type    = string\n  default = "Tf9DbPass!"\n}', "Tf9DbPass!"),
        ('variable "okta_api_token" {\n  default = "004EWTpRQT_HJtG_nL-agxacgzYHjxPcF99"\n}',
         "004EWTpRQT_HJtG_nL-agxacgzYHjxPcF99"),
        ('variable "admin" {\n  sensitive = true\n  default = "Sens1tive"\n}', "Sens1tive"),
        ("url = jdbc:oracle:thin:scott/Tiger9x@db.example.com:1521:ORCL", "Tiger9x"),
        ("$ sqlplus system/Orcl9pass@//db:1521/XEPDB1", "Orcl9pass"),
        ("expdp hr/Hr9Exp0rt directory=dp dumpfile=hr.dmp", "Hr9Exp0rt"),
    ),
    keep=(
        'variable "db_password" {\n  type      = string\n  sensitive = true\n}',
        'variable "region" {\n  default = "eu-west-1"\n}',
        'variable "db_password" {\n  default = ""\n}',
        "jdbc:oracle:thin:@db.example.com:1521:ORCL",
        "sqlplus /nolog",
        "import os/path",
    ),
)

FAMILIES = [_CLI_FAMILY, _CREDENTIAL_FILE_FAMILY, _CALL_FAMILY, _IAC_FAMILY]
