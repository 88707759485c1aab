//! What the two network checks share: both judge a physical machine's own
//! interfaces, and only from an interface list that was actually read.

use super::{sources, Context, Outcome};
use crate::facts::NetInterface;
use crate::model::{Platform, SourceName};

/// The physical interfaces to judge, or the answer when there is nothing
/// to judge: a VM's network is virtual, and without the interface list an
/// empty one would read as "none" (the framework then says unknown).
pub fn physical_interfaces<'a>(context: &Context<'a>) -> Result<Vec<&'a NetInterface>, Outcome> {
    if context.assessment.platform.kind == Platform::VirtualMachine {
        return Err(Outcome::DoesNotApply {
            reason: "a virtual machine's network is virtual",
        });
    }
    if !sources::read(context.facts, SourceName::Net) {
        return Err(Outcome::Clear);
    }
    Ok(context
        .facts
        .network
        .iter()
        .filter(|n| !n.virtual_device)
        .collect())
}
