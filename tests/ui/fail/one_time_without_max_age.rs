#[vetted::task(name = "payment:capture", one_time)]
struct CapturePayment {
    order_id: String,
}

fn main() {}
