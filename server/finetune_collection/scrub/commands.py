"""Passwords given to a command: a flag that takes one (`docker login -p …`, `redis-cli -a …`), a
positional argument (`net use \\\\srv\\share PASS`, `pulumi config set KEY VALUE`), a secret store's
value (`gh secret set NAME --body …`), written on a shell line or as the elements of an argument
list in code (`subprocess.run(["docker", "login", "-p", "…"])`, `exec.Command("sshpass", "-p", "…")`).

Each command is a row of a table: the command (with its subcommand), its anchors, and the flag
and separator before the password, written with `{S}` (the space between two arguments) and `{S0}`
(an optional one). Every row becomes a shell rule, where `{S}` is whitespace, and an argument-list
rule, where it is also the end of one quoted element and the start of the next (`", "`,
`").arg("`), so a new tool is one row that both syntaxes share.
"""

from __future__ import annotations

from typing import Any

from . import assign
from .family import Family
from .rule import Rule
from .syntaxes import ARG, PASSWORD, REST, password_arg
from .validators import random_token

_SHELL_S, _SHELL_S0 = r"[ \t]+", r"[ \t]*"
# Between two elements of an argument list: the closing quote, a comma (or `).arg(`), the opening
# quote of the next; an opening `[`/`{` when the list starts after the command (`spawn(cmd, [...])`).
_NEXT = r"""["'][ \t]*\)?[ \t\r\n]*(?:,|\.args?[ \t]*\()[ \t\r\n]*(?:&?\[|\{)?[ \t\r\n]*["']"""
_ARGV_S, _ARGV_S0 = "(?:" + _NEXT + r"|[ \t]+)", "(?:" + _NEXT + r"|[ \t]*)"
# The rest of an argument list before the flag: any elements, not past the end of the statement.
_ARGV_REST = r"(?:[^;\n]|\r?\n){0,300}?"
# A value in a list: a whole quoted element, or the rest of an element after `=` or a space in it.
_ARGV_VALUE = r"""(?:(?<=")(?P<value>[^"\n]{1,200})(?=")|(?<=')(?P<value>[^'\n]{1,200})(?=')""" \
    r"""|(?<=[^"'])(?P<value>[^\s"']{1,200})(?=["'\s]))"""

# (command, anchors, the flag and separator before the password). Commands are matched as words.
_CLI: list[tuple[str, tuple[str, ...], str]] = [
    (r"(?:docker|podman|skopeo|nerdctl|oras|helm{S}registry){S}login",
     ("docker", "podman", "skopeo", "nerdctl", "oras", "helm"), r"(?:-p|--password)(?:{S}|=)"),
    (r"(?:mongosh|mongo|mongodump|mongorestore|mongoexport|mongoimport|mongostat|mongotop)",
     ("mongo",), r"(?:-p|--password)(?:{S}|=)"),
    # mysql's `-p secret` would prompt and take `secret` as the database: only `-pX`, `--password=X`.
    (r"(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mysqlsh|mariadb|mariadb-dump)",
     ("mysql", "mariadb"), r"(?:-p(?=[^\s-])|--password=)"),
    # `mysqladmin -u root password NEW`: the subcommand takes the new password
    (r"mysqladmin", ("mysqladmin",), r"password{S}"),
    (r"sshpass", ("sshpass",), r"-p{S0}"),
    (r"redis-cli", ("redis-cli",), r"(?:-a|--pass)(?:{S}|=)"),
    (r"(?:keytool|jarsigner)", ("keytool", "jarsigner"),
     r"-(?:store|key|srcstore|srckey|deststore|destkey)?pass{S}(?:pass:)?"),
    (r"apksigner", ("apksigner",), r"--(?:ks|key)-pass{S}pass:"),
    (r"openssl", ("openssl",), r"(?:-pass(?:out|in|word)?{S}pass:|-k{S})"),
    (r"wget", ("wget",), r"--(?:http-|ftp-|proxy-)?password(?:=|{S})"),
    (r"(?:sqlcmd|bcp|osql|isql|sqlpackage)", ("sqlcmd", "bcp", "osql", "isql", "sqlpackage"), r"-P{S0}"),
    (r"ldap(?:search|add|modify|delete|passwd|whoami|compare|modrdn)", ("ldap",), r"-w{S}"),
    (r"(?:smbclient|rpcclient|smbmap|crackmapexec|nxc|netexec)", ("smbclient", "rpcclient", "smbmap", "crackmapexec",
     "nxc", "netexec"), r"(?:-U|--user(?:name)?)(?:{S}|=)[\"']?[^\s%\"']{1,64}%"),
    (r"(?:xfreerdp|wlfreerdp|sdl-freerdp)", ("xfreerdp", "wlfreerdp", "sdl-freerdp"), r"/p:"),
    (r"rdesktop", ("rdesktop",), r"-p{S}"),
    (r"mosquitto_(?:pub|sub|rr)", ("mosquitto_",), r"-P{S}"),
    (r"rabbitmqctl{S}(?:add_user|change_password){S}[^\s\"']{1,64}", ("rabbitmqctl",), r""),
    (r"(?:useradd|usermod)", ("useradd", "usermod"), r"(?:-p|--password){S}"),
    (r"ssh-keygen", ("ssh-keygen",), r"-[NP]{S}"),
    (r"gpg2?", ("gpg",), r"--passphrase(?:{S}|=)"),
    (r"(?:7za|7zz|rar|unrar)", ("7za", "7zz", "rar"), r"-p(?=[^\s-])"),
    (r"(?:zip|unzip)", ("zip",), r"-P{S}"),
    (r"(?:psexec|PsExec)(?:\.exe)?", ("psexec",), r"-p{S}"),
    (r"(?:vncpasswd|x11vnc)", ("vncpasswd", "x11vnc"), r"-(?:f|passwd|storepasswd){S}"),
    (r"lftp", ("lftp",), r"-u{S}[\"']?[^\s,\"']{1,64},"),
    (r"ipmitool", ("ipmitool",), r"-P{S}"),
    (r"cypher-shell", ("cypher-shell",), r"(?:-p|--password)(?:{S}|=)"),
    (r"neo4j-admin(?:{S}dbms)?{S}set-initial-password", ("neo4j-admin",), r""),
    (r"nmcli{S}(?:d|dev|device){S}wifi{S}connect{S}[^\s]{1,64}", ("nmcli",), r"password{S}"),
    (r"wpa_passphrase{S}[^\s\"']{1,64}", ("wpa_passphrase",), r""),
    # Secret stores: whatever their value flag carries is a secret.
    # (the subcommand is the anchor: `gh ` and `az ` end too many words)
    (r"(?<=(?<![\w-])gh[ \t]{1,10})secret{S}set", ("secret",), r"(?:-b|--body)(?:{S0}|=)"),
    (r"(?<=(?<![\w-])az[ \t]{1,10})keyvault{S}secret{S}set", ("keyvault",), r"--value(?:{S}|=)"),
]


def _fill(pattern: str, s: str, s0: str) -> str:
    return pattern.replace("{S0}", s0).replace("{S}", s)


def _shell_rule(cmd: str, anchors: tuple[str, ...], flag: str) -> Rule:
    start = "" if cmd.startswith("(?<=") else r"(?<![\w-])"
    command = start + _fill(cmd, _SHELL_S, _SHELL_S0) + r"(?![\w-])" + (REST if flag else "")
    return Rule(
        "password",
        command + r"[ \t]+" + _fill(flag, _SHELL_S, _SHELL_S0) + ARG,
        PASSWORD,
        validator=password_arg,
        anchors=anchors,
    )


def _argv_rule(cmd: str, anchors: tuple[str, ...], flag: str) -> Rule:
    return Rule(
        "password",
        r"(?<=[\"'])" + _fill(cmd, _ARGV_S, _ARGV_S0) + r"(?=[\"'\s])" + _ARGV_REST + "(?:" + _NEXT + r"|[ \t]+)"
        + _fill(flag, _ARGV_S, _ARGV_S0) + _ARGV_VALUE,
        PASSWORD,
        validator=password_arg,
        anchors=anchors,
    )


def _stored_ok(m: Any) -> bool:
    """`KEY VALUE` given to a settings or secrets store: the key's name decides as for an
    assignment; a store that only holds secrets (`--secret`, `user-secrets`) takes any value that
    looks written or generated."""
    value: str = m.group("value")
    if not password_arg(value):
        return False
    level = assign.strength(m.group("name"))
    if level in ("password", "strong"):
        return True
    if m.group("only") is not None and (assign.prose_value(value) or random_token(value)):
        return True
    return level == "weak" and random_token(value)


_NAME = r"(?P<name>[A-Za-z_][\w:./-]{0,100})"
_STORE_OPT = r"(?:[ \t]+--?[\w-]{1,30}(?:=[^\s]{1,100}|[ \t]+(?!--?)[^\s\"'-][^\s]{0,100}(?=[ \t]+--?))?)*"


def _store_rules() -> list[Rule]:
    return [
        Rule(
            "password",
            # pulumi config set [--secret|--plaintext|--path] KEY VALUE; dotnet user-secrets set KEY VALUE;
            # doppler secrets set KEY VALUE; netlify env:set KEY VALUE (a `#` starts a comment)
            r"(?<![\w-])(?:pulumi[ \t]+config[ \t]+set(?=[^\n]{0,200}?(?P<only>--secret\b))?"
            r"|dotnet[ \t]+user-secrets[ \t]+set(?P<only>)|doppler[ \t]+secrets[ \t]+set(?P<only>)"
            r"|netlify[ \t]+env:set)" + _STORE_OPT + r"[ \t]+[\"']?" + _NAME + r"[\"']?[ \t]+(?=[^\s#])" + ARG,
            PASSWORD,
            check=_stored_ok,
            anchors=("pulumi", "dotnet", "doppler", "netlify"),
        ),
        Rule(
            "password",
            # fly secrets set KEY=VALUE …; kubectl create secret generic NAME --from-literal=KEY=VALUE
            r"(?<![\w-])(?:(?:fly|flyctl|supabase|doppler|railway)[ \t]+secrets?[ \t]+set"
            r"|kubectl[ \t]+create[ \t]+secret[ \t]+[\w-]{1,30}[ \t]+[\w.-]{1,253})(?P<only>)"
            r"(?:[ \t]+[^\s]{1,300}?)??[ \t]+(?:--from-literal[ \t=])?[\"']?" + _NAME + r"=" + ARG,
            PASSWORD,
            check=_stored_ok,
            anchors=("fly", "supabase", "doppler", "railway", "kubectl"),
        ),
    ]


def _cli_rules() -> list[Rule]:
    rules = [_shell_rule(cmd, anchors, flag) for cmd, anchors, flag in _CLI]
    # A command anchored on its subcommand (`gh secret set`) is a shell line's.
    rules += [_argv_rule(cmd, anchors, flag) for cmd, anchors, flag in _CLI if not cmd.startswith("(?<=")]
    rules += _store_rules()
    rules.append(
        Rule(
            "password",
            # `az login -u … -p …` (the subcommand is a common word: anchored on it, `az` behind)
            r"(?<=(?<![\w-])az[ \t]{1,10})login(?![\w-])" + REST + r"[ \t]+(?:-p|--password)(?:[ \t]+|=)" + ARG,
            PASSWORD,
            validator=password_arg,
            anchors=("login",),
        )
    )
    rules.append(
        Rule(
            "password",
            # PowerShell: ConvertTo-SecureString "…" -AsPlainText
            r"(?<=ConvertTo-)SecureString[ \t]+(?:-String[ \t]+)?" + ARG,
            PASSWORD,
            validator=password_arg,
            anchors=("securestring",),
        )
    )
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
            # net use Z: \\host\share PASSWORD /user:…; net user NAME PASSWORD [/add]: positional
            r"(?<![\w-])net[ \t]+(?:use(?:[ \t]+(?:[A-Za-z]:|\*))?[ \t]+\\\\[^\s]{1,300}|user[ \t]+[^\s/\"']{1,64})"
            r"[ \t]+" + ARG + r"(?=[ \t]+/|[ \t]*(?:\r?\n|$))",
            PASSWORD,
            validator=password_arg,
            anchors=("net ",),
        )
    )
    rules.append(
        Rule(
            "password",
            # curl -u user:pass | --user "user:pass" | -u user:'pass' | -u "apikey:" (a key as user)
            r"(?<![\w-])curl(?![\w-])" + REST + r"[ \t](?:-u|--user|--proxy-user|-U)(?:[ \t]*|=)"
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
        ("docker login registry.acme.io -u deploybot -p Tr0ub4dor&3x", "Tr0ub4dor&3x"),
        ("redis-cli -h cache -a 'r3d!sPw9' ping", "r3d!sPw9"),
        ("mongosh --username app -p Mg0pass77 --authenticationDatabase admin", "Mg0pass77"),
        ("mysql -u root -pT0ps3cret! shop", "T0ps3cret!"),
        ("$ mysql -h db.internal -u app_rw -p'Xw8dpQG9v-127' orders < dump.sql", "Xw8dpQG9v-127"),
        ("mysqldump --user=root --password=Dump9Pw shop > shop.sql", "Dump9Pw"),
        ("mysqladmin -u root password 'N3wR00tPw'", "N3wR00tPw"),
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
        ("net use Z: \\\\fs01\\data N3tUs3Pw /user:CORP\\bob", "N3tUs3Pw"),
        ("net user svc_backup Bk9!userPw /add", "Bk9!userPw"),
        ("127.0.0.1:6379> AUTH Rd9sAuth+x\nOK", "Rd9sAuth+x"),
        ("AUTH default Rd9sAcl-22", "Rd9sAcl-22"),
        # argument lists in code
        ('subprocess.run(["docker", "login", "-u", "ci", "-p", "Dkr9Sub!proc", "reg.acme.io"])', "Dkr9Sub!proc"),
        ('exec.Command("sshpass", "-p", "G0Sshpass!", "ssh", "root@host")', "G0Sshpass!"),
        ("subprocess.check_call(['redis-cli', '-a', 'PyR3dList9', 'info'])", "PyR3dList9"),
        ("spawn('mongosh', ['-u', 'admin', '-p', 'JsMng0Spawn', 'db'])", "JsMng0Spawn"),
        ('Process.Start("sshpass", "-p Cs5shPa55 ssh ops@10.0.0.2");', "Cs5shPa55"),
        ('Command::new("mysql").arg("-uroot").arg("-pRu5tMyPw").arg("shop")', "Ru5tMyPw"),
        ('cmd = ["mysqldump", "--password=Dmp9List", "shop"]', "Dmp9List"),
        ('new ProcessBuilder("keytool", "-list", "-storepass", "J4vaSt0re")', "J4vaSt0re"),
        # settings and secret stores
        ("$ pulumi config set --secret dbPassword Pu7miPw!x", "Pu7miPw!x"),
        ("pulumi config set --plaintext dbPassword PulumiPl41n", "PulumiPl41n"),
        ('dotnet user-secrets set "Db:Password" "UsrS3cretsPw"', "UsrS3cretsPw"),
        ("dotnet user-secrets set Smtp:Key Kq8vZr2Lp9 --project src/Api", "Kq8vZr2Lp9"),
        ("gh secret set DEPLOY_KEY --body 'Gh5ecretB0dyXq9Lm2Zr7Vn4Bt8Cs1'", "Gh5ecretB0dyXq9Lm2Zr7Vn4Bt8Cs1"),
        ("az keyvault secret set --vault-name kv1 --name DbPw --value 'Kv9Az!pw'", "Kv9Az!pw"),
        ("fly secrets set SESSION_SIGNER=Fl7yS3cr3tVal API_URL=https://x", "Fl7yS3cr3tVal"),
        ("kubectl create secret generic db --from-literal=DB_PASSWORD=Kc9tlPw!", "Kc9tlPw!"),
    ),
    keep=(
        "docker login -u ci -p $REGISTRY_TOKEN registry.example.com",
        "docker login --password-stdin -u ci reg.example.com",
        "docker run -p 8080:80 nginx",
        'subprocess.run(["docker", "run", "-p", "8080:80", "nginx"])',
        'subprocess.run(["docker", "login", "-u", user, "-p", password, registry])',
        "ssh -p 2222 deploy@web1",
        "mkdir -p build/out && mysql -u root -p shop",
        'subprocess.run(["mysql", "-u", "root", "-p", "shop"])',
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
        "net use Z: \\\\nas\\backup * /user:CORP\\bob",
        "net user bob /delete",
        "$ pulumi config set --secret dbPassword  # prompts for the value",
        "pulumi config set aws:region us-east-1",
        'dotnet user-secrets set "Logging:LogLevel" "Debug"',
        "gh secret set DEPLOY_KEY --body \"$DEPLOY_KEY\"",
        "fly secrets set LOG_LEVEL=debug",
        "kubectl create secret generic db --from-literal=username=admin",
        "AUTH $REDIS_PASSWORD",
        "The AUTH command takes a password.",
        "AUTH mechanism PLAIN",
        "run `echo a && b` then c&d",
    ),
)

FAMILIES = [_CLI_FAMILY]
