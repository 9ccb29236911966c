#[vetted::task]
struct Upload {
    #[validate(length(max = 1024, unit = "bytes"))]
    chunk: Vec<u8>,
}

fn main() {}
