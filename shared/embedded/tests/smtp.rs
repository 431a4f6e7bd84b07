//! The SMTP adapter of the Notifier port against a minimal SMTP server on 127.0.0.1: the
//! envelope and the message reach the relay; SMS is not its channel.

use motcua_embedded::SmtpNotifier;
use motcua_ports::{Channel, Notifier, OutboundMessage};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Accepts one session, answers like a relay, returns everything the client sent.
async fn one_session(listener: tokio::net::TcpListener) -> String {
    let (socket, _) = listener.accept().await.unwrap();
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut seen = String::new();
    write.write_all(b"220 relay.test ESMTP\r\n").await.unwrap();
    let mut in_data = false;
    while let Some(line) = lines.next_line().await.unwrap() {
        seen.push_str(&line);
        seen.push('\n');
        let reply: &[u8] = if in_data {
            if line == "." {
                in_data = false;
                b"250 queued\r\n"
            } else {
                continue;
            }
        } else if line.starts_with("EHLO") || line.starts_with("HELO") {
            b"250-relay.test\r\n250 8BITMIME\r\n"
        } else if line == "DATA" {
            in_data = true;
            b"354 go ahead\r\n"
        } else if line == "QUIT" {
            write.write_all(b"221 bye\r\n").await.unwrap();
            break;
        } else {
            b"250 ok\r\n"
        };
        write.write_all(reply).await.unwrap();
    }
    seen
}

fn message(channel: Channel, to: &str) -> OutboundMessage {
    OutboundMessage {
        event_id: "e1".into(),
        channel,
        to: to.into(),
        subject: "Hồ sơ 000.17.22.H56-260302-0001".into(),
        body: "Hồ sơ của ông/bà đã được tiếp nhận. Hẹn trả kết quả: 09:00 ngày 05/03/2026.".into(),
        dossier: "d1".into(),
        at: chrono::DateTime::parse_from_rfc3339("2026-03-02T09:00:00+07:00").unwrap(),
        delivered: false,
        via: None,
    }
}

#[tokio::test]
async fn an_email_goes_through_the_relay_with_its_envelope_and_text() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay = listener.local_addr().unwrap().to_string();
    let server = tokio::spawn(one_session(listener));
    let smtp = SmtpNotifier::new(&relay, "Cổng Dịch vụ công <khongtraloi@dichvucong.example.vn>").unwrap();
    assert_eq!(
        smtp.deliver(&message(Channel::Email, "nguyenvanan@example.vn")).await.unwrap().as_deref(),
        Some("smtp")
    );
    let seen = tokio::time::timeout(std::time::Duration::from_secs(10), server).await.unwrap().unwrap();
    assert!(seen.contains("MAIL FROM:<khongtraloi@dichvucong.example.vn>"), "{seen}");
    assert!(seen.contains("RCPT TO:<nguyenvanan@example.vn>"), "{seen}");
    assert!(seen.contains("To: nguyenvanan@example.vn"), "{seen}");
    assert!(seen.contains("Subject: =?utf-8?"), "the Vietnamese subject is encoded: {seen}");
}

#[tokio::test]
async fn sms_is_not_the_smtp_adapters_channel_and_bad_addresses_are_errors() {
    let smtp = SmtpNotifier::new("127.0.0.1:9", "khongtraloi@example.vn").unwrap();
    assert_eq!(smtp.deliver(&message(Channel::Sms, "0912345678")).await.unwrap(), None);
    assert!(smtp.deliver(&message(Channel::Email, "không phải địa chỉ")).await.is_err());
    assert!(SmtpNotifier::new("relay:abc", "x@example.vn").is_err());
}
