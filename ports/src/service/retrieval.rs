//! Retrieval for the AI companion: the candidate stories for a question.
//!
//! INTERIM: until the story-search port lands, candidates come from the
//! story list (the same `ReadScope` query every reader's list uses, so no
//! second permission path), ranked here by how many of the question's words
//! a story contains. The search port replaces the ranking; the contract
//! stays: only stories [`CompanionScope`] admits, best first.

use mosaic_domain::{CompanionScope, LegacyAccess, PageRequest, Question, Story};

use super::error::RepoResultExt;
use super::{MosaicService, Resource, ServiceResult};

/// How many of the newest readable stories the interim ranking looks at.
const LISTED: u32 = PageRequest::MAX_LIMIT;

impl MosaicService {
    /// Up to `limit` stories that may inform an answer to `question` for
    /// this asker, best first. Every story returned is admitted by
    /// [`CompanionScope::of`]`(access)`.
    pub(crate) async fn retrieve(
        &self,
        access: &LegacyAccess,
        question: &Question,
        limit: usize,
    ) -> ServiceResult<Vec<Story>> {
        let scope = CompanionScope::of(access);
        let page = PageRequest::new(None, Some(LISTED))?;
        let listed = self
            .ports
            .stories
            .list_stories(scope.legacy_id(), scope.read_scope(), page)
            .await
            .or_missing(Resource::Legacy)?;
        let words = question_words(question.as_str());
        let mut scored: Vec<(usize, Story)> = listed
            .items
            .into_iter()
            .map(|view| view.story)
            .filter(|story| scope.admits(story))
            .filter_map(|story| {
                let text = format!("{} {}", story.title, story.content).to_lowercase();
                let score = words.iter().filter(|w| text.contains(w.as_str())).count();
                (score > 0).then_some((score, story))
            })
            .collect();
        // Stable: equal scores keep the list's newest-first order.
        scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
        Ok(scored.into_iter().take(limit).map(|(_, s)| s).collect())
    }
}

/// The words of a question worth looking for: lower-cased, three letters
/// or more, common English function words left out.
fn question_words(question: &str) -> Vec<String> {
    const COMMON: &[&str] = &[
        "the", "and", "did", "does", "was", "were", "what", "when", "where", "which", "who",
        "whom", "why", "how", "her", "his", "she", "him", "they", "them", "their", "you", "your",
        "for", "with", "about", "from", "that", "this", "have", "has", "had", "are", "any", "ever",
        "tell", "can", "could", "would", "should", "like", "our", "not",
    ];
    let mut words: Vec<String> = question
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 3 && !COMMON.contains(&w.as_str()))
        .collect();
    words.sort();
    words.dedup();
    words
}
