import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** The props every nlb-tiers construct shares for its alarms. */
export interface TierAlarmOptions {
  /**
   * What each of the construct's alarms does when it goes into ALARM, such as an SNS topic's
   * action (`new cloudwatch_actions.SnsAction(topic)`).
   *
   * @default - the alarms only change state
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];
}
