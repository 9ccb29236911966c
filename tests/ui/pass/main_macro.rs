//! `vetted::main!` builds; the generated `main` lives in a module so that this test
//! does not start a worker.

#![allow(dead_code)]

mod worker {
    use vetted::handler::StateMap;
    use vetted::{HandlerError, Verified};

    pub mod tasks {
        #[vetted::task]
        pub struct Ping {}

        #[vetted::task]
        pub struct Pong {}
    }

    #[vetted::handler]
    async fn ping(task: Verified<tasks::Ping>) -> Result<(), HandlerError> {
        drop(task);
        Ok(())
    }

    pub mod more {
        use super::tasks::Pong;
        use vetted::{HandlerError, Verified};

        #[vetted::handler]
        pub async fn pong(task: Verified<Pong>) -> Result<(), HandlerError> {
            drop(task);
            Ok(())
        }
    }

    async fn setup() -> Result<StateMap, Box<dyn std::error::Error + Send + Sync>> {
        Ok(StateMap::default())
    }

    vetted::main! {
        handlers: [ping, more::pong],
        setup: setup,
    }
}

mod without_setup {
    use vetted::{HandlerError, Verified};

    #[vetted::handler]
    async fn ping(task: Verified<super::worker::tasks::Ping>) -> Result<(), HandlerError> {
        drop(task);
        Ok(())
    }

    vetted::main! { handlers: [ping] }
}

fn main() {}
