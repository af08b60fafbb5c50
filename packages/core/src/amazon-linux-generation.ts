/**
 * The Amazon Linux generation a server runs.
 *
 * The provisioning scripts and playbooks of the nlb-tiers constructs are written for these
 * two generations only.
 */
export enum AmazonLinuxGeneration {
  /** Amazon Linux 2023, the current generation. */
  AMAZON_LINUX_2023 = 'AMAZON_LINUX_2023',
  /**
   * Amazon Linux 2, as in the original article.
   *
   * Amazon Linux 2 reached its end of support on 2026-06-30: it gets no more security updates. A
   * server construct that runs it says so in a synthesis warning
   * (`@nlb-tiers/core:amazonLinux2EndOfSupport`, which `Validations.of(scope).acknowledge()` silences).
   *
   * @see https://aws.amazon.com/amazon-linux-2/faqs/
   */
  AMAZON_LINUX_2 = 'AMAZON_LINUX_2',
}
