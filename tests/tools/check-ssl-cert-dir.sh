#!/usr/bin/env bash
# Shows what the chart's `pod.trustedCA` relies on: .NET on Linux reads SSL_CERT_DIR as a colon-separated list of
# directories and trusts every certificate file in each, so a private CA can be added while the system's CAs stay
# trusted. Starts a TLS server (openssl s_server) with a certificate from a fresh private CA, then runs a small .NET
# program three ways. Expected: "FAIL ... PartialChain" without the variable; "OK 200" with it. Needs openssl and
# the .NET SDK; uses a random port on 127.0.0.1.
set -euo pipefail
port=$((20000 + RANDOM % 20000))
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj "/CN=Private CA" -days 1 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost' > ext
openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out srv.crt -days 1 -extfile ext 2>/dev/null
mkdir ca && cp ca.crt ca/private-ca.crt
openssl s_server -accept 127.0.0.1:$port -cert srv.crt -key srv.key -www -quiet >/dev/null 2>&1 &
server=$!
mkdir app
cat > app/app.csproj <<'XML'
<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings></PropertyGroup></Project>
XML
cat > app/Program.cs <<'CS'
try { Console.WriteLine("OK " + (int)(await new HttpClient().GetAsync("https://localhost:PORT/")).StatusCode); }
catch (Exception e) { Console.WriteLine("FAIL " + e.GetBaseException().Message); }
CS
sed -i "s/PORT/$port/" app/Program.cs
sleep 1
dotnet build app -c Release -o app/out -nologo -v q >/dev/null
echo "without SSL_CERT_DIR:              $(dotnet app/out/app.dll)"
echo "SSL_CERT_DIR=/etc/ssl/certs:<ca>:  $(SSL_CERT_DIR="/etc/ssl/certs:$work/ca" dotnet app/out/app.dll)"
