//! Rules shared by the tests that answer the AWS SDK with aws-smithy-mocks.

use aws_sdk_guardduty::Client;
use aws_smithy_mocks::{Rule, mock};

/// Empty answers for every configuration-object read the detector collector also makes.
pub fn no_objects() -> Vec<Rule> {
    use aws_sdk_guardduty::operation::{
        get_findings_statistics::GetFindingsStatisticsOutput, list_filters::ListFiltersOutput,
        list_ip_sets::ListIpSetsOutput,
        list_malware_protection_plans::ListMalwareProtectionPlansOutput,
        list_publishing_destinations::ListPublishingDestinationsOutput,
        list_threat_entity_sets::ListThreatEntitySetsOutput,
        list_threat_intel_sets::ListThreatIntelSetsOutput,
        list_trusted_entity_sets::ListTrustedEntitySetsOutput,
    };
    vec![
        mock!(Client::list_filters).then_output(|| ListFiltersOutput::builder().build()),
        mock!(Client::list_ip_sets).then_output(|| ListIpSetsOutput::builder().build()),
        mock!(Client::list_threat_intel_sets)
            .then_output(|| ListThreatIntelSetsOutput::builder().build()),
        mock!(Client::list_trusted_entity_sets)
            .then_output(|| ListTrustedEntitySetsOutput::builder().build()),
        mock!(Client::list_threat_entity_sets)
            .then_output(|| ListThreatEntitySetsOutput::builder().build()),
        mock!(Client::list_publishing_destinations)
            .then_output(|| ListPublishingDestinationsOutput::builder().build()),
        mock!(Client::list_malware_protection_plans)
            .then_output(|| ListMalwareProtectionPlansOutput::builder().build()),
        mock!(Client::get_findings_statistics)
            .then_output(|| GetFindingsStatisticsOutput::builder().build()),
    ]
}
