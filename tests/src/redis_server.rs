//! A throwaway `redis-server` on a free loopback port, for tests that need real Redis.
//!
//! ```no_run
//! use vetted_tests::redis_server::RedisServer;
//!
//! let server = RedisServer::start();
//! let mut redis = server.connection();
//! let pong: String = redis::cmd("PING").query(&mut redis).unwrap();
//! assert_eq!(pong, "PONG");
//! ```

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use std::{env, fs, thread};

mod tls;

pub use tls::TlsFiles;

/// Shown when the binary is missing, so a failing test names its fix.
const NOT_FOUND: &str = "redis-server not found: install it with `apt-get install redis-server`";
/// How long a fresh server may take to answer PING.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

/// How to start the server.
#[derive(Clone, Debug, Default)]
pub struct RedisOptions {
    /// Sets `requirepass`; clients must then authenticate.
    pub password: Option<String>,
    /// Also listens with TLS on a second port, with a throwaway CA made by `openssl`.
    pub tls: bool,
}

/// A running `redis-server`, killed and its directory removed on drop.
#[derive(Debug)]
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    tls: Option<(u16, TlsFiles)>,
    dir: PathBuf,
    options: RedisOptions,
}

impl RedisServer {
    /// Starts a server without password or TLS.
    pub fn start() -> Self {
        Self::start_with(RedisOptions::default())
    }

    /// Starts a server with `options`.
    pub fn start_with(options: RedisOptions) -> Self {
        let dir = fresh_dir();
        let tls = options.tls.then(|| (free_port(), TlsFiles::generate(&dir)));
        let mut server = Self {
            child: None,
            port: free_port(),
            tls,
            dir,
            options,
        };
        server.launch();
        server
    }

    /// The plain-text port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `redis://[:password@]127.0.0.1:<port>/0`.
    pub fn url(&self) -> String {
        format!("redis://{}127.0.0.1:{}/0", self.credentials(), self.port)
    }

    /// `rediss://[:password@]127.0.0.1:<tls port>/0`, when started with TLS.
    pub fn tls_url(&self) -> Option<String> {
        let (port, _) = self.tls.as_ref()?;
        Some(format!("rediss://{}127.0.0.1:{port}/0", self.credentials()))
    }

    /// The PEM of the CA that signed the server's TLS certificate.
    pub fn ca_certificate(&self) -> Option<Vec<u8>> {
        let (_, files) = self.tls.as_ref()?;
        Some(fs::read(&files.ca_cert).expect("read the test CA certificate"))
    }

    /// A synchronous connection, authenticated, for assertions.
    pub fn connection(&self) -> redis::Connection {
        redis::Client::open(self.url())
            .and_then(|client| client.get_connection())
            .expect("connect to the test redis-server")
    }

    /// Kills the server and starts it again on the same port, with an empty dataset.
    pub fn restart(&mut self) {
        self.kill();
        self.launch();
    }

    /// Kills the server, leaving it down until [`restart`](Self::restart).
    pub fn stop(&mut self) {
        self.kill();
    }

    fn credentials(&self) -> String {
        match &self.options.password {
            Some(password) => format!(":{password}@"),
            None => String::new(),
        }
    }

    fn launch(&mut self) {
        let mut command = Command::new(find_redis_server());
        command
            .args(self.arguments())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = command
            .spawn()
            .unwrap_or_else(|error| panic!("{NOT_FOUND} ({error})"));
        self.child = Some(child);
        self.wait_until_ready();
    }

    fn arguments(&self) -> Vec<String> {
        let mut args: Vec<String> = vec![
            "--port".into(),
            self.port.to_string(),
            "--bind".into(),
            "127.0.0.1".into(),
            "--save".into(),
            String::new(),
            "--appendonly".into(),
            "no".into(),
            "--dir".into(),
            path_text(&self.dir),
            "--logfile".into(),
            path_text(&self.dir.join("redis.log")),
        ];
        if let Some(password) = &self.options.password {
            args.extend(["--requirepass".into(), password.clone()]);
        }
        if let Some((port, files)) = &self.tls {
            args.extend(files.server_arguments(*port));
        }
        args
    }

    fn wait_until_ready(&mut self) {
        let started = Instant::now();
        while started.elapsed() < STARTUP_TIMEOUT {
            if self.answers_ping() {
                return;
            }
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!("redis-server exited with {status}; log:\n{}", self.log());
            }
            thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "redis-server did not answer PING in {STARTUP_TIMEOUT:?}; log:\n{}",
            self.log()
        );
    }

    fn answers_ping(&self) -> bool {
        let Ok(client) = redis::Client::open(self.url()) else {
            return false;
        };
        let Ok(mut conn) = client.get_connection_with_timeout(Duration::from_millis(200)) else {
            return false;
        };
        redis::cmd("PING").query::<String>(&mut conn).is_ok()
    }

    fn log(&self) -> String {
        fs::read_to_string(self.dir.join("redis.log")).unwrap_or_default()
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// The `redis-server` on `PATH`; panics naming the install step when there is none.
fn find_redis_server() -> PathBuf {
    let path = env::var_os("PATH").unwrap_or_default();
    env::split_paths(&path)
        .map(|dir| dir.join("redis-server"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| panic!("{NOT_FOUND}"))
}

/// A port the OS reports free on 127.0.0.1 right now.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("read the bound port").port()
}

/// A new empty directory under the system temp dir.
fn fresh_dir() -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = format!(
        "vetted-redis-{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let dir = env::temp_dir().join(name);
    fs::create_dir_all(&dir).expect("create a temp dir for redis-server");
    dir
}

fn path_text(path: &Path) -> String {
    path.to_str().expect("temp paths are UTF-8").to_owned()
}
