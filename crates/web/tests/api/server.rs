//! The server itself, on a real socket: a client that trickles its headers, or leaves a
//! connection idle, is cut off after the header timeout while others are served.

use std::time::{Duration, Instant};

use luoshi_store::Store;
use luoshi_testing::TestDatabase;
use luoshi_web::{AppState, Config, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::Backend;

/// Reads until the server closes the connection, or gives up after `limit`.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut buffer = [0u8; 1024];
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

#[tokio::test]
async fn slow_headers_and_idle_connections_are_closed() {
    let db = TestDatabase::new(Backend::Sqlite, "server").await.unwrap();
    let store = Store::connect(&db.url).await.unwrap();
    let mut config = Config::new(db.dir().to_path_buf());
    config.header_timeout = Duration::from_millis(500);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(serve(AppState::new(store, config), listener));

    let mut slow = TcpStream::connect(address).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut idle = TcpStream::connect(address).await.unwrap();

    let mut prompt = TcpStream::connect(address).await.unwrap();
    prompt
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    prompt.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let mut kept = TcpStream::connect(address).await.unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut head = [0u8; 12];
    kept.read_exact(&mut head).await.unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");

    assert!(
        closed_within(&mut slow, Duration::from_secs(5)).await,
        "headers never finished: the connection is closed"
    );
    assert!(
        closed_within(&mut idle, Duration::from_secs(5)).await,
        "a connection that sends nothing is closed"
    );
    assert!(
        closed_within(&mut kept, Duration::from_secs(5)).await,
        "a kept-alive connection left idle is closed"
    );
    server.abort();
}
