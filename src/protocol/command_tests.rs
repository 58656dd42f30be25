//! Tests of the command transaction.

use super::*;

const GCS: Address = Address::new(255, 190);
const VEH: Address = Address::new(1, 1);

fn ack(command: u16, result: u8) -> Wire {
    Wire::CommandAck {
        command,
        result,
        progress: 0,
        target_system: 255,
        target_component: 190,
    }
}

fn arm() -> CommandTransaction {
    CommandTransaction::new(
        Command::long(400, [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
        GCS,
        VEH,
        command_timing(),
    )
}

#[test]
fn accepted() {
    let mut t = arm();
    assert_eq!(t.start(0).len(), 1);
    t.handle(VEH, &ack(400, 0), 1000);
    assert_eq!(t.outcome(), Some(&Ok(())));
}

#[test]
fn rejection_carries_the_vehicle_text_and_result_name() {
    let mut t = arm();
    t.start(0);
    t.note_statustext(1, 2, "PreArm: GPS 1: Bad fix");
    t.note_statustext(2, 2, "other vehicle's message");
    t.handle(VEH, &ack(400, result::FAILED), 1000);
    let e = t.outcome().cloned().expect("done").expect_err("refused");
    let s = e.to_string();
    assert!(
        s.starts_with("COMPONENT_ARM_DISARM (400) refused — FAILED: the vehicle tried and failed"),
        "{s}"
    );
    assert!(s.ends_with("Vehicle said: PreArm: GPS 1: Bad fix"), "{s}");
}

#[test]
fn explanation_arriving_after_the_refusal_is_included() {
    let mut t = arm();
    t.start(0);
    t.handle(VEH, &ack(400, result::FAILED), 1000);
    assert!(t.outcome().is_none(), "waits briefly for the explanation");
    t.note_statustext(1, 2, "PreArm: Battery 1 low");
    let e = t.outcome().cloned().expect("done").expect_err("refused");
    assert!(
        e.to_string()
            .ends_with("Vehicle said: PreArm: Battery 1 low"),
        "{e}"
    );
    // Without an explanation it ends after the short wait.
    let mut t = arm();
    t.start(0);
    t.handle(VEH, &ack(400, result::DENIED), 1000);
    let d = t.deadline_us().expect("waiting");
    assert!(d <= 1000 + EXPLANATION_WAIT_US);
    t.poll(d);
    assert!(matches!(
        t.outcome(),
        Some(Err(CommandError::Rejected { result: 2, .. }))
    ));
}

#[test]
fn ignores_acks_for_other_commands_vehicles_and_gcs() {
    let mut t = arm();
    t.start(0);
    t.handle(VEH, &ack(176, 0), 10);
    t.handle(Address::new(2, 1), &ack(400, 0), 10);
    t.handle(
        VEH,
        &Wire::CommandAck {
            command: 400,
            result: 0,
            progress: 0,
            target_system: 254,
            target_component: 1,
        },
        10,
    );
    assert!(t.outcome().is_none());
}

#[test]
fn retries_with_confirmation_then_times_out() {
    let mut t = arm();
    t.start(0);
    let mut confirmations = Vec::new();
    let mut now = 0;
    while let Some(d) = t.deadline_us() {
        now = d;
        for w in t.poll(now) {
            if let Wire::CommandLong { confirmation, .. } = w {
                confirmations.push(confirmation);
            }
        }
    }
    assert_eq!(confirmations, vec![1, 2, 3]);
    assert!(matches!(
        t.outcome(),
        Some(Err(CommandError::Timeout { tries: 4, .. }))
    ));
    assert!(now <= command_timing().worst_case_stall_us());
}

#[test]
fn in_progress_waits_longer_without_resending() {
    let mut t = arm();
    t.start(0);
    t.handle(
        VEH,
        &Wire::CommandAck {
            command: 400,
            result: 5,
            progress: 40,
            target_system: 0,
            target_component: 0,
        },
        100,
    );
    assert_eq!(t.progress(), Some(40));
    assert!(t.poll(5_000_000).is_empty());
    assert!(t.outcome().is_none());
    t.handle(VEH, &ack(400, 0), 6_000_000);
    assert_eq!(t.outcome(), Some(&Ok(())));
}

#[test]
fn switches_to_command_int_when_asked() {
    let mut t = arm();
    t.start(0);
    let out = t.handle(VEH, &ack(400, result::COMMAND_INT_ONLY), 100);
    assert!(matches!(
        out.as_slice(),
        [Wire::CommandInt { command: 400, .. }]
    ));
}

#[test]
fn names() {
    assert_eq!(command_name(22), "NAV_TAKEOFF (22)");
    assert_eq!(command_name(65_000), "command 65000");
    assert_eq!(
        result_text(2),
        "DENIED: the vehicle is not ready for it in its current state"
    );
}
