//! `mosaic-scripted-model [ADDRESS]`: the scripted OpenAI-compatible server
//! as a process (for the browser tests). Prints its base URL on the first
//! line, then runs until killed. `POST /control/script` with a JSON
//! [`Script`](mosaic_openai_test_server::Script) changes how it answers.

use mosaic_openai_test_server::ScriptedModel;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".to_owned());
    let model = ScriptedModel::start_on(&address).await;
    println!("{}", model.base_url());
    std::future::pending::<()>().await;
}
