//! The dataset seeder of `mosaic-sql-common`, checked through the ports.
//! Not part of [`contract_tests!`](crate::contract_tests): bulk loading is
//! not a port, so each SQL adapter calls this from its own test.

use mosaic_domain::{LegacyAccess, PageRequest, Role, SearchQuery, Visibility};
use mosaic_sql_common::{BulkLoad, SeedPlan, seed};

use crate::Store;

/// A small seeded dataset is complete and reads back through the ports:
/// counts, the busiest legacy's stories as a member (full pages, only what a
/// member may read), its members' roles, and name search.
pub async fn seeded_dataset_reads_back_through_the_ports<S: Store + BulkLoad>(store: &S) {
    let plan = SeedPlan::small();
    let summary = seed(store, &plan).await.expect("seed");
    assert_eq!(store.count_users().await.unwrap(), plan.users as u64);
    // A second run adds a second dataset (its own e-mail addresses).
    seed(store, &plan).await.expect("seed again");
    assert_eq!(store.count_users().await.unwrap(), 2 * plan.users as u64);
    assert_eq!(summary.stories, plan.stories);

    let legacy = summary.busiest_legacy;
    let member = store
        .get_membership(legacy, summary.busiest_legacy_member)
        .await
        .unwrap()
        .expect("member's membership");
    assert_eq!(member.role, Role::Member);
    let editor = store
        .get_membership(legacy, summary.busiest_legacy_editor)
        .await
        .unwrap()
        .expect("editor's membership");
    assert_eq!(editor.role, Role::Editor);

    let access = LegacyAccess::user(legacy, member.user_id, Some(member.role));
    let page = store
        .list_stories(legacy, access.read_scope(), PageRequest::first())
        .await
        .unwrap();
    assert_eq!(page.items.len(), PageRequest::DEFAULT_LIMIT as usize);
    assert!(page.next.is_some());
    assert!(page.items.iter().all(|v| v.story.legacy_id == legacy
        && v.story.visibility != Visibility::Personal
        || v.story.author_id == member.user_id));
    let sample = store.get_story(summary.sample_story).await.unwrap().story;
    assert_eq!(sample.legacy_id, legacy);

    let query = SearchQuery::new(summary.common_surname).unwrap();
    let found = store
        .search_legacies(&query, PageRequest::first())
        .await
        .unwrap();
    assert!(
        found
            .items
            .iter()
            .all(|l| l.name.as_str().contains(summary.common_surname))
    );
}
