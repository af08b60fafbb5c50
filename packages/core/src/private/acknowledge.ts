import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges one finding of a validation plugin (such as cdk-nag's
 * `AwsSolutions-IAM5[Resource::<Bucket.Arn>/prefix/*]`) on a construct and its children.
 *
 * `Validations.acknowledge()` rejects ids with more than one `::`, which finding ids that name
 * ARNs contain, so the metadata it would record is recorded directly.
 */
export function acknowledgeFinding(scope: IConstruct, id: string, reason: string): void {
  scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
}
