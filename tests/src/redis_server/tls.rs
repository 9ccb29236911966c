//! A throwaway CA and server certificate for `127.0.0.1`, made with the `openssl` CLI.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Shown when the CLI is missing.
const OPENSSL_NOT_FOUND: &str = "openssl not found: install it with `apt-get install openssl`";

/// The PEM files of a test CA and of a server certificate it signed.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    /// The CA certificate that clients trust.
    pub ca_cert: PathBuf,
    /// The server certificate, valid for IP 127.0.0.1 and DNS localhost.
    pub server_cert: PathBuf,
    /// The server's private key.
    pub server_key: PathBuf,
}

impl TlsFiles {
    /// Creates the files in `dir`.
    pub fn generate(dir: &Path) -> Self {
        let files = Self {
            ca_cert: dir.join("ca.crt"),
            server_cert: dir.join("server.crt"),
            server_key: dir.join("server.key"),
        };
        let ca_key = dir.join("ca.key");
        let csr = dir.join("server.csr");
        let extensions = dir.join("server.ext");
        std::fs::write(&extensions, "subjectAltName=IP:127.0.0.1,DNS:localhost\n")
            .expect("write the certificate extensions");
        let ec_key = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        let ca_key = text(&ca_key);
        let ca_cert = text(&files.ca_cert);
        let server_key = text(&files.server_key);
        let server_cert = text(&files.server_cert);
        let csr = text(&csr);
        let extensions = text(&extensions);
        let mut make_ca = vec!["req", "-x509", "-days", "1", "-subj", "/CN=vetted test CA"];
        make_ca.extend(ec_key);
        make_ca.extend(["-keyout", &ca_key, "-out", &ca_cert]);
        openssl(&make_ca);
        let mut make_request = vec!["req", "-new", "-subj", "/CN=localhost"];
        make_request.extend(ec_key);
        make_request.extend(["-keyout", &server_key, "-out", &csr]);
        openssl(&make_request);
        openssl(&[
            "x509",
            "-req",
            "-days",
            "1",
            "-in",
            &csr,
            "-CA",
            &ca_cert,
            "-CAkey",
            &ca_key,
            "-CAcreateserial",
            "-out",
            &server_cert,
            "-extfile",
            &extensions,
        ]);
        files
    }

    /// The `redis-server` arguments that serve TLS on `port` with these files.
    pub fn server_arguments(&self, port: u16) -> Vec<String> {
        vec![
            "--tls-port".into(),
            port.to_string(),
            "--tls-cert-file".into(),
            text(&self.server_cert),
            "--tls-key-file".into(),
            text(&self.server_key),
            "--tls-ca-cert-file".into(),
            text(&self.ca_cert),
            "--tls-auth-clients".into(),
            "no".into(),
        ]
    }
}

fn openssl(args: &[&str]) {
    let output = Command::new("openssl")
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("{OPENSSL_NOT_FOUND} ({error})"));
    assert!(
        output.status.success(),
        "openssl {} failed: {}",
        args[..2].join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn text(path: &Path) -> String {
    path.to_str().expect("temp paths are UTF-8").to_owned()
}
