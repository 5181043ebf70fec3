//! Search for free slots: the times the box can offer a caller.
//!
//! A slot starts on the schedule's grid (every 15 minutes from midnight by
//! default), lies inside one opening interval of its date and ends by that
//! interval's close. It overlaps no blocked period. Against each booked
//! appointment of the same staff member, it starts no earlier than that
//! appointment's end plus its buffer, and the slot's own end plus the slot's
//! buffer comes no later than that appointment's start. A buffer may run past
//! closing time and into blocked periods.

use time::{Date, PrimitiveDateTime, Time};

use crate::booking::{Booking, Status};
use crate::rules::{collides, plus_minutes};
use crate::schedule::{AppointmentType, Schedule, Slot, MINUTES_PER_DAY};

/// Returns up to `limit` free slots of `kind` starting at or after `after`, in
/// time order, searching `after`'s date and the days that follow, `horizon_days`
/// dates in all (1 searches only `after`'s date, 0 searches nothing).
///
/// `busy` contains the bookings to avoid. Cancelled ones are skipped, so the
/// result of [`crate::list`] can be passed as is. For a slot, each staff member is
/// tried in list order and the first free one is offered. A type with a
/// duration of 0 gives an empty list.
pub fn free_slots(
    schedule: &Schedule,
    kind: &AppointmentType,
    busy: &[Booking],
    after: PrimitiveDateTime,
    limit: usize,
    horizon_days: u16,
) -> Vec<Slot> {
    let mut slots = Vec::new();
    let mut date = after.date();
    for _ in 0..horizon_days {
        if slots.len() >= limit {
            break;
        }
        collect_day(schedule, kind, busy, date, after, limit, &mut slots);
        match date.next_day() {
            Some(next) => date = next,
            None => break,
        }
    }
    slots
}

/// Returns every free slot of `kind` on `date` that starts at or after
/// `after`, in time order. For "what do you have on Tuesday": pass the current
/// time as `after` so that a question about today gets no past slots.
pub fn free_slots_on(
    schedule: &Schedule,
    kind: &AppointmentType,
    busy: &[Booking],
    date: Date,
    after: PrimitiveDateTime,
) -> Vec<Slot> {
    let mut slots = Vec::new();
    collect_day(schedule, kind, busy, date, after, usize::MAX, &mut slots);
    slots
}

/// Appends the free slots of `date` to `slots` until it contains `limit` entries.
fn collect_day(
    schedule: &Schedule,
    kind: &AppointmentType,
    busy: &[Booking],
    date: Date,
    after: PrimitiveDateTime,
    limit: usize,
    slots: &mut Vec<Slot>,
) {
    let duration = u32::from(kind.duration_min);
    if duration == 0 {
        return;
    }
    let midnight = PrimitiveDateTime::new(date, Time::MIDNIGHT);
    // On the last date `time` supports, the day runs to the last representable instant.
    let next_midnight =
        plus_minutes(midnight, u32::from(MINUTES_PER_DAY)).unwrap_or(PrimitiveDateTime::MAX);
    let staff_options: Vec<Option<&str>> = if kind.staff.is_empty() {
        vec![None]
    } else {
        kind.staff.iter().map(|name| Some(name.as_str())).collect()
    };

    // Only bookings that can collide with some slot of this day matter below.
    let day_busy: Vec<&Booking> = busy
        .iter()
        .filter(|booking| booking.status == Status::Booked)
        .filter(|booking| {
            collides(
                midnight,
                next_midnight,
                kind.buffer_min,
                booking.staff.as_deref(),
                booking,
            )
        })
        .collect();

    let step = u32::from(schedule.step_min());
    for interval in schedule.hours_on(date) {
        let open = u32::from(interval.open);
        let close = u32::from(interval.close);
        let mut minute = open.div_ceil(step) * step;
        while minute + duration <= close {
            if slots.len() >= limit {
                return;
            }
            if let Some(slot) = slot_at(
                schedule,
                kind,
                &day_busy,
                &staff_options,
                midnight,
                minute,
                after,
            ) {
                slots.push(slot);
            }
            minute += step;
        }
    }
}

/// Returns the slot starting `minute` minutes after `midnight` with its first
/// free staff member, or `None` when it starts before `after`, is blocked or
/// has no free staff member.
fn slot_at(
    schedule: &Schedule,
    kind: &AppointmentType,
    day_busy: &[&Booking],
    staff_options: &[Option<&str>],
    midnight: PrimitiveDateTime,
    minute: u32,
    after: PrimitiveDateTime,
) -> Option<Slot> {
    let start = plus_minutes(midnight, minute)?;
    let end = plus_minutes(start, u32::from(kind.duration_min))?;
    if start < after || schedule.blocked_overlap(start, end).is_some() {
        return None;
    }
    let staff = staff_options.iter().copied().find(|&staff| {
        !day_busy
            .iter()
            .any(|booking| collides(start, end, kind.buffer_min, staff, booking))
    })?;
    Some(Slot {
        start,
        end,
        staff: staff.map(str::to_owned),
    })
}
