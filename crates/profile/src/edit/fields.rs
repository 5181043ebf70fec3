//! The profile's single-valued settings, lists and spoken texts, named by their path in the
//! file, which is also the name of their form input.

/// A setting with a single value: a text, a number or a boolean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setting {
    Name,
    Description,
    Address,
    Directions,
    Phone,
    Website,
    Currency,
    AnsweringMode,
    AnsweringRings,
    RecordingEnabled,
    AudioRetentionDays,
    KeepTranscripts,
    TranscriptRetentionDays,
    TransferTo,
    CallbackWithinMin,
    OnEmergency,
    OnRequestForPerson,
    OnAngryCaller,
    OnVip,
    OnKeypadZero,
}

/// Type of a setting's value, which decides how its form text is written to the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A text that must be present: an empty one is written, so validation reports it.
    RequiredText,
    /// A text whose key an empty value removes.
    OptionalText,
    /// A whole number whose key an empty value removes; `fix` is the hint for other text.
    WholeNumber { fix: &'static str },
    /// A boolean, where the empty text of an unticked checkbox is false.
    Boolean,
}

impl Setting {
    /// Every setting, in the order of the file.
    pub const ALL: [Setting; 20] = [
        Setting::Name,
        Setting::Description,
        Setting::Address,
        Setting::Directions,
        Setting::Phone,
        Setting::Website,
        Setting::Currency,
        Setting::AnsweringMode,
        Setting::AnsweringRings,
        Setting::RecordingEnabled,
        Setting::AudioRetentionDays,
        Setting::KeepTranscripts,
        Setting::TranscriptRetentionDays,
        Setting::TransferTo,
        Setting::CallbackWithinMin,
        Setting::OnEmergency,
        Setting::OnRequestForPerson,
        Setting::OnAngryCaller,
        Setting::OnVip,
        Setting::OnKeypadZero,
    ];

    /// Path in the file, such as `answering.rings`: the name of the setting's form input.
    pub fn field(self) -> &'static str {
        match self {
            Setting::Name => "name",
            Setting::Description => "description",
            Setting::Address => "address",
            Setting::Directions => "directions",
            Setting::Phone => "phone",
            Setting::Website => "website",
            Setting::Currency => "currency",
            Setting::AnsweringMode => "answering.mode",
            Setting::AnsweringRings => "answering.rings",
            Setting::RecordingEnabled => "recording.enabled",
            Setting::AudioRetentionDays => "recording.audio_retention_days",
            Setting::KeepTranscripts => "recording.keep_transcripts",
            Setting::TranscriptRetentionDays => "recording.transcript_retention_days",
            Setting::TransferTo => "escalation.transfer_to",
            Setting::CallbackWithinMin => "escalation.callback_within_min",
            Setting::OnEmergency => "escalation.on_emergency",
            Setting::OnRequestForPerson => "escalation.on_request_for_person",
            Setting::OnAngryCaller => "escalation.on_angry_caller",
            Setting::OnVip => "escalation.on_vip",
            Setting::OnKeypadZero => "escalation.on_keypad_zero",
        }
    }

    /// Finds the setting whose form input is named `field`.
    pub fn from_field(field: &str) -> Option<Setting> {
        Setting::ALL
            .into_iter()
            .find(|setting| setting.field() == field)
    }

    /// Returns, as form text, the value that applies when the file leaves the setting out;
    /// `None` for a text, which then has none.
    pub fn default_value(self) -> Option<&'static str> {
        match self {
            Setting::AnsweringMode => Some("always"),
            Setting::AnsweringRings => Some("2"),
            Setting::RecordingEnabled => Some("false"),
            Setting::AudioRetentionDays => Some("30"),
            Setting::KeepTranscripts => Some("true"),
            Setting::TranscriptRetentionDays => Some("90"),
            Setting::CallbackWithinMin => Some("30"),
            Setting::OnEmergency
            | Setting::OnRequestForPerson
            | Setting::OnAngryCaller
            | Setting::OnVip
            | Setting::OnKeypadZero => Some("true"),
            Setting::Name
            | Setting::Description
            | Setting::Address
            | Setting::Directions
            | Setting::Phone
            | Setting::Website
            | Setting::Currency
            | Setting::TransferTo => None,
        }
    }

    pub(super) fn kind(self) -> Kind {
        match self {
            Setting::Name => Kind::RequiredText,
            Setting::Description
            | Setting::Address
            | Setting::Directions
            | Setting::Phone
            | Setting::Website
            | Setting::Currency
            | Setting::AnsweringMode
            | Setting::TransferTo => Kind::OptionalText,
            Setting::AnsweringRings => Kind::WholeNumber {
                fix: "write a number of rings from 1 to 20, such as 4, or leave it empty for the default",
            },
            Setting::AudioRetentionDays | Setting::TranscriptRetentionDays => Kind::WholeNumber {
                fix: "write a number of days from 0 to 3650, such as 30, or leave it empty for the default",
            },
            Setting::CallbackWithinMin => Kind::WholeNumber {
                fix: "write a number of minutes, such as 30, or leave it empty for the default",
            },
            Setting::RecordingEnabled
            | Setting::KeepTranscripts
            | Setting::OnEmergency
            | Setting::OnRequestForPerson
            | Setting::OnAngryCaller
            | Setting::OnVip
            | Setting::OnKeypadZero => Kind::Boolean,
        }
    }
}

/// A list of texts that a form edits as one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListSetting {
    /// Language codes; the first is the default language.
    Languages,
    Facts,
    BlockedNumbers,
    VipNumbers,
    RecapSms,
    RecapEmail,
    RecapWebhook,
}

impl ListSetting {
    pub const ALL: [ListSetting; 7] = [
        ListSetting::Languages,
        ListSetting::Facts,
        ListSetting::BlockedNumbers,
        ListSetting::VipNumbers,
        ListSetting::RecapSms,
        ListSetting::RecapEmail,
        ListSetting::RecapWebhook,
    ];

    /// Path in the file, such as `numbers.vip`: the name of the list's form input.
    pub fn field(self) -> &'static str {
        match self {
            ListSetting::Languages => "languages",
            ListSetting::Facts => "facts",
            ListSetting::BlockedNumbers => "numbers.blocked",
            ListSetting::VipNumbers => "numbers.vip",
            ListSetting::RecapSms => "recap.sms",
            ListSetting::RecapEmail => "recap.email",
            ListSetting::RecapWebhook => "recap.webhook",
        }
    }

    /// Finds the list whose form input is named `field`.
    pub fn from_field(field: &str) -> Option<ListSetting> {
        ListSetting::ALL
            .into_iter()
            .find(|list| list.field() == field)
    }
}

/// A text the box speaks, written once for every language or once per language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpokenText {
    Greeting,
    Farewell,
    ClosedMessage,
    /// The `announcement` under `[recording]`.
    RecordingAnnouncement,
}

impl SpokenText {
    pub const ALL: [SpokenText; 4] = [
        SpokenText::Greeting,
        SpokenText::Farewell,
        SpokenText::ClosedMessage,
        SpokenText::RecordingAnnouncement,
    ];

    /// Path in the file, such as `recording.announcement`. The input for one language adds
    /// its code (`greeting.fr`); the input for every language is this name alone.
    pub fn field(self) -> &'static str {
        match self {
            SpokenText::Greeting => "greeting",
            SpokenText::Farewell => "farewell",
            SpokenText::ClosedMessage => "closed_message",
            SpokenText::RecordingAnnouncement => "recording.announcement",
        }
    }

    /// Finds the text whose form input for every language is named `field`.
    pub fn from_field(field: &str) -> Option<SpokenText> {
        SpokenText::ALL
            .into_iter()
            .find(|text| text.field() == field)
    }

    /// Tells whether the profile needs this text; the others have a default.
    pub(super) fn required(self) -> bool {
        self == SpokenText::Greeting
    }
}

/// Splits a dotted path into its table path and its key: `answering.rings` into
/// `["answering"]` and `rings`.
pub(super) fn split_field(field: &'static str) -> (Vec<&'static str>, &'static str) {
    let mut parts: Vec<&'static str> = field.split('.').collect();
    let key = parts.pop().unwrap_or(field);
    (parts, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_map_back_to_settings() {
        for setting in Setting::ALL {
            assert_eq!(Setting::from_field(setting.field()), Some(setting));
        }
        for list in ListSetting::ALL {
            assert_eq!(ListSetting::from_field(list.field()), Some(list));
        }
        for text in SpokenText::ALL {
            assert_eq!(SpokenText::from_field(text.field()), Some(text));
        }
        assert_eq!(Setting::from_field("colour"), None);
    }

    #[test]
    fn split_field_separates_key() {
        assert_eq!(split_field("answering.rings"), (vec!["answering"], "rings"));
        assert_eq!(split_field("name"), (vec![], "name"));
    }
}
