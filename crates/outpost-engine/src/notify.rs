//! Desktop notifications: the sink the pipeline hands the policy's decisions
//! to. On Linux this speaks `org.freedesktop.Notifications` over D-Bus
//! through notify-rust.
//!
//! A missing notification service never loses an alert: the alert is already
//! stored when the sink is called. The sink remembers whether notifications
//! work, logs a change of that state once (not once per alert), and exposes it
//! so the UI can say why nothing pops up.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use outpost_core::policy::Notification;
use outpost_core::{AlertId, Severity};
use serde::Serialize;
use ts_rs::TS;

/// Whether desktop notifications can be shown, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct NotificationStatus {
    pub available: bool,
    pub reason: Option<String>,
}

impl Default for NotificationStatus {
    fn default() -> Self {
        Self {
            available: true,
            reason: None,
        }
    }
}

/// Where notifications go. The pipeline calls `send` from a blocking thread.
pub trait NotificationSink: Send + Sync {
    /// Shows `n`. `Err` says, in a sentence, why it could not be delivered:
    /// the pipeline then keeps its alerts pending and tries again at the
    /// next cycle.
    fn send(&self, n: &Notification) -> Result<(), String>;
    fn status(&self) -> NotificationStatus;
    /// False for a sink that shows nothing by choice (`--no-notify`): the
    /// policy is then not run, so nothing counts as notified.
    fn enabled(&self) -> bool {
        true
    }
}

/// Called with the alert id when the analyst clicks a notification.
pub type ClickHandler = Arc<dyn Fn(AlertId) + Send + Sync>;

/// The native sink (notify-rust).
pub struct DesktopNotifier {
    icon: Option<PathBuf>,
    on_click: Option<ClickHandler>,
    status: Mutex<NotificationStatus>,
}

impl DesktopNotifier {
    /// `icon` is a PNG path shown with each notification; `on_click` makes the
    /// notification carry a default action that opens the alert.
    pub fn new(icon: Option<PathBuf>, on_click: Option<ClickHandler>) -> Self {
        Self {
            icon,
            on_click,
            status: Mutex::new(NotificationStatus::default()),
        }
    }

    fn set_status(&self, next: NotificationStatus) {
        let mut status = self.status.lock().expect("notification status lock");
        if *status != next {
            match &next.reason {
                Some(reason) => tracing::warn!("desktop notifications unavailable: {reason}"),
                None => tracing::info!("desktop notifications available again"),
            }
            *status = next;
        }
    }
}

impl NotificationSink for DesktopNotifier {
    fn send(&self, n: &Notification) -> Result<(), String> {
        let mut note = notify_rust::Notification::new();
        note.appname("Outpost").summary(&n.summary).body(&n.body);
        if let Some(icon) = &self.icon {
            note.icon(&icon.to_string_lossy());
        }
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            note.urgency(urgency(n.severity));
            if self.on_click.is_some() {
                note.action("default", "Open alert");
            }
        }
        match note.show() {
            Ok(handle) => {
                self.set_status(NotificationStatus::default());
                #[cfg(all(unix, not(target_os = "macos")))]
                if let Some(on_click) = self.on_click.clone() {
                    let alert = n.alert_id;
                    // Waiting for the click blocks until the notification
                    // closes, so it gets a thread of its own.
                    std::thread::spawn(move || {
                        handle.wait_for_action(|action| {
                            if action == "default" {
                                on_click(alert);
                            }
                        })
                    });
                }
                #[cfg(not(all(unix, not(target_os = "macos"))))]
                drop(handle);
                Ok(())
            }
            Err(err) => {
                let reason = format!(
                    "the desktop notification service did not answer ({err}); alerts are still listed in Outpost, and their notifications go out when it answers again"
                );
                self.set_status(NotificationStatus {
                    available: false,
                    reason: Some(reason.clone()),
                });
                Err(reason)
            }
        }
    }

    fn status(&self) -> NotificationStatus {
        self.status
            .lock()
            .expect("notification status lock")
            .clone()
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
fn urgency(severity: Severity) -> notify_rust::Urgency {
    match severity {
        Severity::Low => notify_rust::Urgency::Low,
        Severity::Medium | Severity::High => notify_rust::Urgency::Normal,
        Severity::Critical => notify_rust::Urgency::Critical,
    }
}

/// A sink that sends nothing: `outpost poll --no-notify`.
pub struct Silent;

impl NotificationSink for Silent {
    fn send(&self, _: &Notification) -> Result<(), String> {
        Ok(())
    }
    fn enabled(&self) -> bool {
        false
    }
    fn status(&self) -> NotificationStatus {
        NotificationStatus {
            available: false,
            reason: Some("notifications are turned off".into()),
        }
    }
}

/// Writes the app icon to the data directory once, so the notification
/// service (another process) can read it by path.
pub fn install_icon(data_dir: &std::path::Path) -> Option<PathBuf> {
    const ICON: &[u8] = include_bytes!("../../../icons/128x128@2x.png");
    // The notification service is another process: it needs an absolute path.
    let path = std::path::absolute(data_dir.join("outpost-icon.png")).ok()?;
    if std::fs::metadata(&path).map(|m| m.len() as usize).ok() == Some(ICON.len()) {
        return Some(path);
    }
    std::fs::create_dir_all(data_dir).ok()?;
    std::fs::write(&path, ICON).ok()?;
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_is_written_once_as_an_absolute_png_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = install_icon(dir.path()).expect("icon written");
        assert!(path.is_absolute());
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        assert_eq!(install_icon(dir.path()), Some(path.clone()));
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            modified,
            "not rewritten"
        );
    }
}
