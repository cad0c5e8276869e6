"""Build tests/pii/heldout5.jsonl: a fifth held-out battery, written on 2026-12-02 after the
issue-16 audit fixes and before it was ever run, across the audit's families in syntaxes the
audit did not use: argument lists in more languages (Ruby, PHP, Elixir, Kotlin, Swift, Perl,
PowerShell, Groovy, Lua), positional and store-set commands, setters and constructors in more
libraries, comparisons, XML/INI/HCL settings, env defaults in more runtimes, log lines and chat,
prose in more languages, addresses and logins; and benign look-alikes of each.

Each line has the shape of heldout2.jsonl: {"id", "kind", "family", "lang", "text"} plus, for a
planted line, "type", "value" and "values"; a benign line must come out byte-identical.

    python tests/pii/build_heldout5.py
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).parent / "heldout5.jsonl"

# (family, lang, type, text, secret)
PLANTED: list[tuple[str, str, str, str, str]] = [
    # --- argument lists in code ---
    ("argv", "ruby", "password", 'system("mysql", "-uroot", "-pRbSys7emPw", "shop")', "RbSys7emPw"),
    ("argv", "ruby", "password", "Open3.capture2('redis-cli', '-a', 'R3disOpen3x', 'ping')", "R3disOpen3x"),
    ("argv", "php", "password", "$p = new Process(['docker', 'login', '-u', 'ci', '-p', 'PhpDkr9Login']);", "PhpDkr9Login"),
    ("argv", "elixir", "password", 'System.cmd("sshpass", ["-p", "ExSsh9Pass", "ssh", "deploy@10.2.0.4"])', "ExSsh9Pass"),
    ("argv", "kotlin", "password", 'ProcessBuilder("mongodump", "--username", "bk", "--password", "KtMongo9Dump").start()', "KtMongo9Dump"),
    ("argv", "swift", "password", 'task.arguments = ["-u", "admin", "-p", "SwT4skPw9"]\ntask.launchPath = "/usr/bin/mongosh"', "SwT4skPw9"),
    ("argv", "perl", "password", "system('sqlcmd', '-S', 'db1', '-U', 'sa', '-P', 'Pe7lSqlCmd!');", "Pe7lSqlCmd!"),
    ("argv", "groovy", "password", '["keytool", "-list", "-keystore", "ks.jks", "-storepass", "Gr00vyKs9"].execute()', "Gr00vyKs9"),
    ("argv", "python", "password", "args = ['openssl', 'pkcs12', '-export', '-passout', 'pass:PyP12Out9']", "PyP12Out9"),
    ("argv", "python", "password", 'subprocess.Popen(["wget", "--password=PyWg3tPw", "https://files.corp/x.tgz"])', "PyWg3tPw"),
    ("argv", "go", "password", 'cmd := exec.Command("mysql", "-h", host, "-uapp", "-pG0MysqlArg", "app")', "G0MysqlArg"),
    ("argv", "js", "password", "execFile('ldapsearch', ['-x', '-D', 'cn=admin', '-w', 'JsLd4pPw', '-b', 'dc=x'])", "JsLd4pPw"),
    ("argv", "rust", "password", 'Command::new("sshpass").arg("-p").arg("RsSsh9Pass").arg("ssh").arg("ops@db1")', "RsSsh9Pass"),
    ("argv", "yaml", "password", '      command: ["redis-server", "--requirepass", "YmlR3disPw"]', "YmlR3disPw"),
    ("argv", "csharp", "password", 'var psi = new ProcessStartInfo("mysql", "-u root -pCsMysq1Pw shop");', "CsMysq1Pw"),
    ("argv", "dockerfile", "password", 'CMD ["redis-server", "--requirepass", "D0ckerReq9"]', "D0ckerReq9"),
    # --- shell commands and flags ---
    ("cli", "shell", "password", "mongo admin --quiet -u root -p M0ngoQu1et --eval 'db.stats()'", "M0ngoQu1et"),
    ("cli", "shell", "password", "podman login quay.io -u bot -p P0dmanQu4y", "P0dmanQu4y"),
    ("cli", "shell", "password", "redis-cli -u redis://default@cache:6379 -a Cl1Url9Pw --no-auth-warning", "Cl1Url9Pw"),
    ("cli", "shell", "password", "mysqladmin -uroot password 'AdmN3wRoot'", "AdmN3wRoot"),
    ("cli", "shell", "password", "ipmitool -I lanplus -H 10.0.0.50 -U ADMIN -P Ipm1Pass9 chassis status", "Ipm1Pass9"),
    ("cli", "shell", "password", "cypher-shell -u neo4j -p N3o4jShell 'MATCH (n) RETURN count(n)'", "N3o4jShell"),
    ("cli", "shell", "password", "net user backup_svc Bkp9Svc!pw /add /y", "Bkp9Svc!pw"),
    ("cli", "cmd", "password", "net use \\\\files01\\share Sh4reUse9 /user:CORP\\svc_copy", "Sh4reUse9"),
    ("cli", "shell", "password", "zip -P Z1pArch1ve backup.zip secrets.txt", "Z1pArch1ve"),
    ("cli", "shell", "password", "sshpass -pInl1neSsh ssh root@10.9.9.9", "Inl1neSsh"),
    ("cli", "shell", "password", "docker login -u ci --password=Eq9DockerPw ghcr.io", "Eq9DockerPw"),
    ("cli", "shell", "password", "openssl enc -aes-256-cbc -in a.txt -out a.enc -k Enc0dePass", "Enc0dePass"),
    ("cli", "shell", "password", "gpg --batch --passphrase 'Gpg9Phrase!' -d backup.gpg", "Gpg9Phrase!"),
    ("cli", "shell", "password", "mosquitto_pub -h broker -u iot -P Mqtt9Pub! -t t -m hi", "Mqtt9Pub!"),
    ("cli", "shell", "password", "sshpass -p Pa55&w0rd rsync -a ./ ops@host:/srv/", "Pa55&w0rd"),
    # --- secret stores and settings ---
    ("store", "shell", "password", "pulumi config set --secret stripeKey Str1peKeyPlm", "Str1peKeyPlm"),
    ("store", "shell", "password", "pulumi config set db:adminPassword Plm9AdminPw --stack prod", "Plm9AdminPw"),
    ("store", "shell", "password", "dotnet user-secrets set ConnectionStrings:Password Dn9UsrSecPw", "Dn9UsrSecPw"),
    ("store", "shell", "password", "gh secret set NPM_AUTH -b 'GhB0dyNpm9Xq2Lm7Vn4Rt8'", "GhB0dyNpm9Xq2Lm7Vn4Rt8"),
    ("store", "shell", "password", "az keyvault secret set --vault-name kv-prod --name sql-admin --value 'Kv9SqlAdm!n'", "Kv9SqlAdm!n"),
    ("store", "shell", "password", "flyctl secrets set SIGNING_SALT=Fly9SaltQm3Lx7Rv2 -a app", "Fly9SaltQm3Lx7Rv2"),
    ("store", "shell", "password", "kubectl create secret generic api --from-literal=token=Kb7TokZq9Lm2Xw4Rv8", "Kb7TokZq9Lm2Xw4Rv8"),
    ("store", "shell", "password", "doppler secrets set SMTP_PASS Dpl9SmtpPw", "Dpl9SmtpPw"),
    # --- credential files ---
    ("credfile", "shell", "password", "printf 'db1:5432:billing:bill:B1llPgp4ss\\n' >> ~/.pgpass", "B1llPgp4ss"),
    ("credfile", "python", "password", "Path('~/.pgpass').write_text('pg.corp:6432:app:app:PyPgW4rite\\n')", "PyPgW4rite"),
    ("credfile", "netrc", "password", "machine ftp.corp.net\n    login uploader\n    password Ftp9N3trc", "Ftp9N3trc"),
    # --- setters, constructors, calls ---
    ("call", "php", "password", "$db = mysqli_connect('localhost', 'wp', 'Wp9Mysq1i', 'wordpress');", "Wp9Mysq1i"),
    ("call", "php", "password", "ldap_bind($conn, 'cn=svc,dc=corp', 'Ld4pB1nd!');", "Ld4pB1nd!"),
    ("call", "python", "password", "db = MySQLdb.connect('localhost', 'report', 'R3portMyDb', 'sales')", "R3portMyDb"),
    ("call", "python", "password", "ftp = FTP_TLS('ftps.corp', 'drop', 'Dr0pFtps9')", "Dr0pFtps9"),
    ("call", "ruby", "password", "Net::FTP.open('ftp.corp', 'mirror', 'M1rr0rFtp') do |ftp|", "M1rr0rFtp"),
    ("call", "go", "password", 'a := smtp.PlainAuth("", "alerts", "Al3rtsSmtp", "mail.corp:587")', "Al3rtsSmtp"),
    ("call", "java", "password", 'props.setProperty("mail.smtp.password", "JvM4ilProp");', "JvM4ilProp"),
    ("call", "java", "password", 'config.put("spring.datasource.password", "Spr1ngDsPw");', "Spr1ngDsPw"),
    ("call", "csharp", "password", 'settings.Add("SmtpPassword", "CsSmtp9Add");', "CsSmtp9Add"),
    ("call", "js", "password", "conf.set('db.password', 'JsC0nfSet9');", "JsC0nfSet9"),
    ("call", "python", "password", "client.login('bot@corp.io', 'Py9ImapLogin')", "Py9ImapLogin"),
    ("call", "kotlin", "password", 'val ok = input == "Kt9Unl0ck!"', "Kt9Unl0ck!"),
    ("call", "python", "password", 'if input("Password: ") == "Py9Gu3ss!":', "Py9Gu3ss!"),
    ("call", "js", "password", "if (guess === 'Js9Secr3t') { open(); }", "Js9Secr3t"),
    ("call", "java", "password", 'if (input.equals("J4vaEqu4ls")) {', "J4vaEqu4ls"),
    # --- XML / INI / HCL / properties ---
    ("config", "xml", "password", '<entry key="db.password">XmlEntry9Pw</entry>', "XmlEntry9Pw"),
    ("config", "xml", "password", '<setting name="SmtpPassword" serializeAs="String"><value>XmlSett9Pw</value></setting>', "XmlSett9Pw"),
    ("config", "xml", "password", '<property name="javax.net.ssl.trustStorePassword">Tru5tSt0re</property>', "Tru5tSt0re"),
    ("config", "ini", "password", "[redis]\nrequirepass = Ini9ReqPass", "Ini9ReqPass"),
    ("config", "conf", "password", "masterauth Rep1ic4Auth\nreplicaof 10.0.0.5 6379", "Rep1ic4Auth"),
    ("config", "hcl", "password", 'resource "aws_db_instance" "db" {\n  password = "Hcl9DbInst"\n}', "Hcl9DbInst"),
    ("config", "env", "password", "ADMIN_PW=Env9AdminPw\nADMIN_USER=root", "Env9AdminPw"),
    ("config", "yaml", "password", "mysql:\n  root_pw: Yml9RootPw", "Yml9RootPw"),
    ("config", "json", "password", '{"smtp_pw": "Js0nSmtpPw", "smtp_user": "mailer"}', "Js0nSmtpPw"),
    ("config", "go", "secret", 'var jwtKey = []byte("Jw7kG0S1gn1ngK3yRx9Lq2Vm4Zt8Nb")', "Jw7kG0S1gn1ngK3yRx9Lq2Vm4Zt8Nb"),
    ("config", "js", "secret", "const secret = Buffer.from('Nd8sBuf7Rk2Lx9Vm4Qz3Wt6Yp1Hc', 'utf8');", "Nd8sBuf7Rk2Lx9Vm4Qz3Wt6Yp1Hc"),
    # --- env defaults ---
    ("envdefault", "ruby", "password", "ENV['REDIS_PASSWORD'] ||= 'RbR3disDflt'", "RbR3disDflt"),
    ("envdefault", "php", "password", "$pass = $_ENV['MAIL_PASSWORD'] ?? 'PhpM4ilDflt';", "PhpM4ilDflt"),
    ("envdefault", "erb", "password", "password: <%= ENV.fetch('PG_PW', 'ErbPg9Dflt') %>", "ErbPg9Dflt"),
    ("envdefault", "python", "password", "os.environ.setdefault('SMTP_PASSWORD', 'PySmtpD3flt')", "PySmtpD3flt"),
    ("envdefault", "js", "secret", "const key = process.env.SESSION_SECRET ??= 'Js7SessDflt9Qm2Lx';", "Js7SessDflt9Qm2Lx"),
    ("envdefault", "shell", "password", 'export PGPASSWORD="${PGPASSWORD:-Sh3llPgDflt}"', "Sh3llPgDflt"),
    # --- log lines and chat ---
    ("log", "log", "secret", "2026-12-01T10:02:11Z ERROR api_key: Zq8Lm2Rt7Yp9Wz3Kd5Nv1Bc4Hq rejected for tenant 7", "Zq8Lm2Rt7Yp9Wz3Kd5Nv1Bc4Hq"),
    ("log", "log", "secret", "INFO refresh_token: Rf9Tk2Lm7Qx4Vb8Nz3Wc6Yp1Hs expired, requesting new one", "Rf9Tk2Lm7Qx4Vb8Nz3Wc6Yp1Hs"),
    ("log", "log", "secret", "DEBUG client_secret: Cs5Qm8Lx2Rv9Tz4Wn7Yb3Kp6Hd loaded from cache", "Cs5Qm8Lx2Rv9Tz4Wn7Yb3Kp6Hd"),
    ("chat", "en", "secret", "sorry, I pasted the wrong thing, the real token for prod: Pt4Zr8Lq2Xm9Vn3Wb7Kc5Yd1Hs", "Pt4Zr8Lq2Xm9Vn3Wb7Kc5Yd1Hs"),
    ("chat", "en", "secret", "Here's the API key I generated this morning: Ak9Lm2Qx7Rv4Tz8Wn3Yb6Kp1Hd", "Ak9Lm2Qx7Rv4Tz8Wn3Yb6Kp1Hd"),
    ("chat", "en", "secret", "the secret you need for the webhook: Wh3Sq8Lm2Rx7Tv4Zn9Yb6Kc1Pd", "Wh3Sq8Lm2Rx7Tv4Zn9Yb6Kc1Pd"),
    ("chat", "en", "password", "you can log in with root / R00tSt4ging! until Friday", "R00tSt4ging!"),
    ("chat", "en", "password", "log in as deploy / D3pl0yPw to restart it", "D3pl0yPw"),
    ("chat", "en", "password", "creds: admin / Cr3dsAdm!n", "Cr3dsAdm!n"),
    # --- prose in other languages ---
    ("prose", "de", "password", "Das Kennwort für den Router ist Fritz2024! – bitte nicht weitergeben.", "Fritz2024!"),
    ("prose", "fr", "password", "Voici le mot de passe : Baguette99! ne le partage pas.", "Baguette99!"),
    ("prose", "es", "password", "La contraseña del servidor es Paella2025! y el usuario es root.", "Paella2025!"),
    ("prose", "pt", "password", "A senha do banco é Feijoada42! por enquanto.", "Feijoada42!"),
    ("prose", "it", "password", "La password del database è Lasagna77!, cambiala domani.", "Lasagna77!"),
    ("prose", "nl", "password", "Het wachtwoord is Stroopwafel8! voor de testserver.", "Stroopwafel8!"),
    ("prose", "ru", "password", "Пароль для базы: Borscht2024!", "Borscht2024!"),
    ("prose", "ja", "password", "サーバーのパスワードはSakura2024!です", "Sakura2024!"),
    ("prose", "pl", "password", "Hasło do bazy to Pierogi2024! – zmień je.", "Pierogi2024!"),
    ("prose", "tr", "password", "Sunucu şifresi Baklava2024! olarak ayarlandı.", "Baklava2024!"),
    # --- unicode separators ---
    ("unicode", "yaml", "password", "db_password\u00a0:\u00a0Nb5pYaml9", "Nb5pYaml9"),
    ("unicode", "env", "password", "DB_PASS\u200bWORD=Zw5pEnv9x", "Zw5pEnv9x"),
    ("unicode", "ja", "password", "パスワード\u3000Id30Space9", "Id30Space9"),
    # --- a secret twice ---
    ("twice", "shell", "password", "export DB_PASSWORD='Tw9iceShell'\necho \"connecting with Tw9iceShell\"", "Tw9iceShell"),
    ("twice", "json", "secret", '{"api_key": "Tk2Tw7Lm9Qx4Vb8Nz3Wc6Yp1"}\nretrying with Tk2Tw7Lm9Qx4Vb8Nz3Wc6Yp1', "Tk2Tw7Lm9Qx4Vb8Nz3Wc6Yp1"),
    # --- SQL ---
    ("sql", "mysql", "password", "GRANT ALL ON shop.* TO 'app'@'%' IDENTIFIED BY 'Gr4ntShop9';", "Gr4ntShop9"),
    ("sql", "postgres", "password", "CREATE ROLE reader LOGIN PASSWORD 'R3aderPg!';", "R3aderPg!"),
    ("sql", "oracle", "password", "ALTER USER hr IDENTIFIED BY Hr9Oracle;", "Hr9Oracle"),
    # --- personal data ---
    ("email", "de", "email", "Bitte an björn.öberg@firma-post.de schicken", "björn.öberg@firma-post.de"),
    ("email", "fr", "email", "écrivez à amélie.durand@courriel.fr", "amélie.durand@courriel.fr"),
    ("email", "es", "email", "Contacto: íñigo.peña@correo-empresa.es", "íñigo.peña@correo-empresa.es"),
    ("email", "en", "email", "cc: priya.sharma@globex-mail.com on the thread", "priya.sharma@globex-mail.com"),
    ("email", "code", "email", 'git config user.email "t.nguyen@devshop.io"', "t.nguyen@devshop.io"),
    ("email", "en", "email", "ping me at ana.silva+jobs@portal.com.br", "ana.silva+jobs@portal.com.br"),
    ("phone", "en", "phone", "Call me on +44 20 7946 0958 after 5", "+44 20 7946 0958"),
    ("phone", "de", "phone", "Telefon: 030 12345678", "030 12345678"),
]

BENIGN: list[tuple[str, str, str]] = [
    # commands without a password
    ("argv", "python", 'subprocess.run(["docker", "run", "--rm", "-p", "5432:5432", "postgres:16"])'),
    ("argv", "go", 'exec.Command("ssh", "-p", "2222", "-i", keyPath, "deploy@bastion")'),
    ("argv", "js", "spawn('mysql', ['-u', user, '-p' + password, db])"),
    ("argv", "ruby", 'system("redis-cli", "-a", ENV["REDIS_PASSWORD"], "ping")'),
    ("argv", "yaml", '      command: ["redis-server", "--appendonly", "yes", "--port", "6380"]'),
    ("argv", "python", "subprocess.run(['zip', '-r', 'out.zip', 'dist/'])"),
    ("argv", "kotlin", 'ProcessBuilder("mongodump", "--username", user, "--password", pw).start()'),
    ("cli", "shell", "sshpass -f ~/.sshpass ssh ops@10.1.1.1"),
    ("cli", "shell", "docker login -u ci --password-stdin < token.txt"),
    ("cli", "shell", "net use Z: \\\\files01\\share /persistent:yes"),
    ("cli", "shell", "net user alice /domain"),
    ("cli", "shell", "mysqladmin -u root status"),
    ("cli", "shell", "make && ./run & disown"),
    ("cli", "shell", "echo a&b"),
    ("store", "shell", "pulumi config set gcp:project acme-prod"),
    ("store", "shell", "dotnet user-secrets list"),
    ("store", "shell", "gh secret set DEPLOY_KEY < key.pem"),
    ("store", "shell", "kubectl create secret generic tls --from-file=tls.crt=./cert.pem"),
    ("store", "shell", "fly secrets set LOG_LEVEL=info REGION=fra"),
    ("store", "shell", "az keyvault secret show --vault-name kv --name db"),
    # calls with variables
    ("call", "php", "$db = mysqli_connect($host, $user, $pass, $name);"),
    ("call", "python", "ftp = FTP(host, user, passwd)"),
    ("call", "go", 'auth := smtp.PlainAuth("", cfg.User, cfg.Password, cfg.Host)'),
    ("call", "java", 'props.put("mail.smtp.auth", "true");'),
    ("call", "java", 'props.put("mail.smtp.password", System.getenv("SMTP_PASSWORD"));'),
    ("call", "csharp", 'settings.Add("PasswordMinLength", "12");'),
    ("call", "kotlin", 'if (input == "exit") return'),
    ("call", "python", 'if input("Continue? ") == "y":'),
    ("call", "js", "if (guess === answer) { win(); }"),
    ("call", "python", 'answer = input("Your guess: ")'),
    # config look-alikes
    ("config", "xml", '<property name="hibernate.connection.password">${DB_PASSWORD}</property>'),
    ("config", "xml", '<entry key="password.policy">strong</entry>'),
    ("config", "xml", '<setting name="PasswordResetUrl" serializeAs="String"><value>/reset</value></setting>'),
    ("config", "ini", "[auth]\npassword_min_length = 12\npassword_hash = argon2"),
    ("config", "conf", "requirepass ${REDIS_PASSWORD}"),
    ("config", "python", "AUTH_PASSWORD_VALIDATORS = [{'NAME': 'django.contrib.auth.password_validation.UserAttributeSimilarityValidator'}]"),
    ("config", "python", "PASSWORD_RESET_TIMEOUT = 259200"),
    ("config", "go", 'var keyPrefix = []byte("cache:")'),
    ("config", "env", "PW_MIN_LENGTH=12"),
    ("config", "yaml", "bypass: true\ncompass: north"),
    ("config", "aws", "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db/password"),
    ("config", "aws", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-token-Xy12Ab"),
    ("config", "powershell", "$password = Read-Host -AsSecureString"),
    ("config", "powershell", "$secret = Get-Secret -Name ApiKey -AsPlainText"),
    ("config", "systemd", "LoadCredential=apitoken:/run/credstore/apitoken"),
    # env defaults that are not secrets
    ("envdefault", "ruby", "ENV['RACK_ENV'] ||= 'development'"),
    ("envdefault", "python", "os.environ.setdefault('PYTHONHASHSEED', '0')"),
    ("envdefault", "php", "$debug = $_ENV['APP_DEBUG'] ?? 'false';"),
    # prose and logs without secrets
    ("log", "log", "INFO token refreshed for user 42 in 118 ms"),
    ("log", "log", "WARN client_secret: missing from request, rejecting"),
    ("chat", "en", "I pasted the stack trace below: see attachment"),
    ("chat", "en", "Here is the token budget you asked for: 128000 tokens per request"),
    ("chat", "en", "log in with your SSO account / ask IT if it fails"),
    ("prose", "fr", "Le mot de passe est trop court !"),
    ("prose", "de", "Das Kennwort muss mindestens 12 Zeichen haben."),
    ("prose", "en", "The password is required!"),
    # addresses and logins
    ("email", "shell", "ssh -J bastion.corp admin@db-02.internal.corp 'df -h'"),
    ("email", "shell", "scp -r ./site deploy@static-01.prod.example-corp.net:/var/www/html"),
    ("email", "shell", "rsync -e 'ssh -p 2222' -az build/ ci@web-03.stage.corp:~/app/"),
    ("email", "git", "git remote add origin git@gitlab.corp-internal.net:team/app.git"),
    ("email", "python", "DEFAULT_FROM_EMAIL = 'noreply@example.com'"),
    ("email", "yaml", "email: test@example.org"),
    ("email", "rst", "Report bugs to <dev@project.test>."),
    ("email", "js", "const user = { email: 'user@example.net' };"),
    ("email", "code", "pip install requests@2.31.0"),
    ("email", "css", "background: url(logo@2x.png);"),
    # numbers
    ("numbers", "log", "build 2026.12.01.1422 finished in 312 s"),
]


def build() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for n, (family, lang, kind, text, secret) in enumerate(PLANTED):
        assert secret in text, (family, text)
        rows.append({"id": f"h5p{n:03d}", "kind": "planted", "family": family, "lang": lang, "type": kind,
                     "text": text, "value": secret, "values": [secret]})
    for n, (family, lang, text) in enumerate(BENIGN):
        rows.append({"id": f"h5b{n:03d}", "kind": "benign", "family": family, "lang": lang, "text": text})
    return rows


if __name__ == "__main__":
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in build()), encoding="utf-8")
