//! The recording and the recaps: whether call audio is kept and for how long, and who
//! receives a summary of each call.

use maud::{html, Markup};
use standardiste_profile::edit::{ListSetting, ProfileDraft, Setting};

use super::inputs::{checkbox, Input};
use super::registry::{counted, effective, set_list_if_changed, FormContext, SectionForm};
use super::values::{is_true, lines, FormValues};

pub static RECORDING: SectionForm = SectionForm {
    slug: "recording",
    title: "Recording",
    intro: "Whether call audio is kept, and for how long recordings and transcripts stay on the box.",
    read: read_recording,
    render: render_recording,
    apply: apply_recording,
    summary: recording_summary,
};

pub static RECAPS: SectionForm = SectionForm {
    slug: "recaps",
    title: "Recaps",
    intro: "Who receives a summary after each call.",
    read: read_recaps,
    render: render_recaps,
    apply: apply_recaps,
    summary: recaps_summary,
};

const FLAGS: [Setting; 2] = [Setting::RecordingEnabled, Setting::KeepTranscripts];
const DAYS: [Setting; 2] = [Setting::AudioRetentionDays, Setting::TranscriptRetentionDays];
const RECIPIENTS: [ListSetting; 3] = [ListSetting::RecapSms, ListSetting::RecapEmail, ListSetting::RecapWebhook];

fn read_recording(draft: &ProfileDraft, values: &mut FormValues) {
    for setting in FLAGS {
        values.set_ticked(setting.field(), is_true(&effective(draft, setting)));
    }
    for setting in DAYS {
        values.set(setting.field(), draft.setting(setting).unwrap_or_default());
    }
}

fn render_recording(form: &FormContext) -> Markup {
    let days = |setting: Setting| setting.default_value().unwrap_or_default();
    html! {
        (checkbox(form, Setting::RecordingEnabled.field(), "Record calls",
            Some("Callers first hear the recording announcement, which is on the Greetings page.")))
        (Input::number(Setting::AudioRetentionDays.field(), "Keep recordings for (days)")
            .hint(format!("0 deletes a recording as soon as the call ends. Empty: {}.", days(Setting::AudioRetentionDays)))
            .placeholder(days(Setting::AudioRetentionDays))
            .render(form))
        (checkbox(form, Setting::KeepTranscripts.field(), "Keep transcripts after the recap is sent", None))
        (Input::number(Setting::TranscriptRetentionDays.field(), "Keep transcripts for (days)")
            .hint(format!("Empty: {}.", days(Setting::TranscriptRetentionDays)))
            .placeholder(days(Setting::TranscriptRetentionDays))
            .render(form))
    }
}

fn apply_recording(values: &FormValues, draft: &mut ProfileDraft) {
    // An unticked box sends nothing, so both switches are written.
    for setting in FLAGS {
        draft.set(setting, values.get(setting.field()));
    }
    for setting in DAYS {
        if let Some(value) = values.text(setting.field()) {
            draft.set(setting, value);
        }
    }
}

fn recording_summary(draft: &ProfileDraft) -> String {
    if is_true(&effective(draft, Setting::RecordingEnabled)) {
        format!("On; recordings kept {} days", effective(draft, Setting::AudioRetentionDays))
    } else {
        "Off".to_string()
    }
}

fn read_recaps(draft: &ProfileDraft, values: &mut FormValues) {
    for list in RECIPIENTS {
        values.set(list.field(), draft.list(list).join("\n"));
    }
}

fn render_recaps(form: &FormContext) -> Markup {
    html! {
        (Input::area(ListSetting::RecapSms.field(), "Text messages to", 3)
            .hint("Phone numbers, one per line.")
            .render(form))
        (Input::area(ListSetting::RecapEmail.field(), "E-mails to", 3)
            .hint("E-mail addresses, one per line.")
            .render(form))
        (Input::area(ListSetting::RecapWebhook.field(), "Web addresses", 2)
            .hint("Addresses (http:// or https://) that receive the summary as JSON, one per line.")
            .render(form))
    }
}

fn apply_recaps(values: &FormValues, draft: &mut ProfileDraft) {
    for list in RECIPIENTS {
        if let Some(text) = values.text(list.field()) {
            set_list_if_changed(draft, list, &lines(text));
        }
    }
}

fn recaps_summary(draft: &ProfileDraft) -> String {
    let sms = counted(draft.list(ListSetting::RecapSms).len(), "text", "texts");
    let email = counted(draft.list(ListSetting::RecapEmail).len(), "e-mail", "e-mails");
    let webhook = counted(draft.list(ListSetting::RecapWebhook).len(), "web address", "web addresses");
    format!("{sms}, {email}, {webhook}")
}
