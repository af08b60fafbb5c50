import { createTierAlarm, BASIC_MONITORING_PERIOD, ONE_MINUTE } from '@nlb-tiers/core/helpers-internal';
import { Names } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The namespace of the metrics the web servers' access logs are turned into. */
export const WEB_SERVER_NAMESPACE = 'NlbTiers/ApacheUwsgiWebServer';

/**
 * The fields of httpd's `combined` format, which Amazon Linux's httpd.conf logs to `access_log`:
 * `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`. In a space-delimited filter pattern,
 * a field in brackets (the time) or in double quotes (the request line, referer, user agent) is
 * one field.
 *
 * @see https://httpd.apache.org/docs/2.4/logs.html#combined
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
const COMBINED_FIELDS = ['client', 'ident', 'user', 'time', 'request', 'status', 'bytes', 'referer', 'agent'];

/** The metrics a web server's access log gives: every request, and those answered with a 5xx. */
export interface AccessLogMetrics {
  readonly requests: cloudwatch.Metric;
  readonly http5xx: cloudwatch.Metric;
}

/**
 * Turns the access log into two counts, one data point per line (0 when no line matches, so that
 * a quiet minute is a 0 and not missing data): requests, and requests answered with a 5xx status.
 * Each server has metrics of its own, named after its unique id: a metric filter's dimensions can
 * only be fields of the log line.
 */
export function accessLogMetrics(scope: Construct, accessLog: logs.ILogGroup): AccessLogMetrics {
  const prefix = Names.uniqueResourceName(scope, { maxLength: 200 });
  const all = logs.FilterPattern.spaceDelimited(...COMBINED_FIELDS);
  const filter = (id: string, metricName: string, pattern: logs.IFilterPattern) => new logs.MetricFilter(scope, id, {
    logGroup: accessLog,
    filterPattern: pattern,
    metricNamespace: WEB_SERVER_NAMESPACE,
    metricName,
    metricValue: '1',
    defaultValue: 0,
    unit: cloudwatch.Unit.COUNT,
  }).metric({ statistic: cloudwatch.Stats.SUM, period: ONE_MINUTE });
  return {
    requests: filter('RequestsMetricFilter', `${prefix}-Requests`, all),
    http5xx: filter('Http5xxMetricFilter', `${prefix}-Http5xx`, all.whereString('status', '=', '5*')),
  };
}

/** The share of requests answered with a 5xx, in percent (0 in a minute without requests). */
export function http5xxRate(metrics: AccessLogMetrics, props: cloudwatch.MathExpressionOptions = {}): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: '100 * http5xx / MAX([requests, 1])',
    usingMetrics: { http5xx: metrics.http5xx, requests: metrics.requests },
    label: '5xx responses (% of requests)',
    period: ONE_MINUTE,
    ...props,
  });
}

/** The 5xx rate that raises the web server's alarm, and for how many minutes in a row. */
export const HTTP_5XX_ALARM = { thresholdPercent: 5, minutes: 3 };
/** The CPU utilization that raises the web server's alarm, and for how many five-minute periods. */
export const CPU_ALARM = { thresholdPercent: 80, periods: 3 };

/** The web server's alarms: 5xx responses, and CPU. */
export function createWebServerAlarms(scope: Construct, rate: cloudwatch.IMetric, cpu: cloudwatch.IMetric,
  actions: cloudwatch.IAlarmAction[] | undefined, failoverAttempts: number) {
  return {
    http5xx: createTierAlarm(scope, 'Http5xxAlarm', {
      metric: rate,
      threshold: HTTP_5XX_ALARM.thresholdPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: HTTP_5XX_ALARM.minutes,
      // A minute without requests is a rate of 0, not missing data.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `More than ${HTTP_5XX_ALARM.thresholdPercent}% of the web server's responses were 5xx `
        + `for ${HTTP_5XX_ALARM.minutes} minutes in a row: `
        + `the app servers fail, or none is reachable (each request is already sent again up to ${failoverAttempts} times on a refused connection).`,
    }, actions),
    cpu: createTierAlarm(scope, 'CpuAlarm', {
      metric: cpu,
      threshold: CPU_ALARM.thresholdPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: CPU_ALARM.periods,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
      description: `The web server's CPU was above ${CPU_ALARM.thresholdPercent}% for ${CPU_ALARM.periods} periods of `
        + `${BASIC_MONITORING_PERIOD.toMinutes()} minutes (basic monitoring): a larger instance type, or more web servers, are due.`,
    }, actions),
  };
}
