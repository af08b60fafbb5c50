#!/bin/bash
# Provisions an nlb-tiers Apache web server: installs httpd, writes the uwsgi proxy
# configuration, starts httpd, and waits until it answers through the upstream. Idempotent: a
# second run changes nothing and restarts nothing.
set -euo pipefail
@@provisioningOutput@@
@@signalOnExit@@
conf_dir="${HTTPD_CONF_DIR:-/etc/httpd/conf.d}"
conf="$conf_dir/nlb-tiers-uwsgi-proxy.conf"

if ! rpm -q httpd >/dev/null 2>&1; then
  yum install -y httpd
fi

@@cloudWatchAgent@@

# A temporary copy first: the configuration changes only when its content does.
new_conf="$(mktemp)"
cat > "$new_conf" <<'NLB_TIERS_PROXY_CONF'
@@proxyConfig@@
NLB_TIERS_PROXY_CONF

changed=false
if ! cmp -s "$new_conf" "$conf"; then
  install -D -m 0644 "$new_conf" "$conf"
  changed=true
  echo "changed: $conf"
else
  echo "unchanged: $conf"
fi
rm -f "$new_conf"
httpd -t
# Without mod_proxy_uwsgi every request would fail with a 500 ("No protocol handler"), and without
# the balancer modules httpd would not start: fail here. Amazon Linux's httpd loads them all by
# default (Fedora's httpd package: 00-proxy.conf, and 00-base.conf for slotmem_shm).
modules="$(httpd -M 2>/dev/null)"
for module in proxy_uwsgi_module proxy_balancer_module lbmethod_byrequests_module slotmem_shm_module; do
  case "$modules" in
    *"$module"*) ;;
    *) nlbt_fail "httpd has no $module loaded: cannot proxy to uwsgi" ;;
  esac
done

systemctl enable httpd
if ! systemctl is-active --quiet httpd; then
  systemctl start httpd
  echo "started: httpd"
elif [ "$changed" = true ]; then
  systemctl reload httpd
  echo "reloaded: httpd"
else
  echo "unchanged: httpd keeps running"
fi

# Serving means answering through the upstream: a status below 500 (httpd answers 502 or 503 while
# no app server does). The app servers may still be provisioning: wait, at most @@answerWaitSeconds@@ s.
deadline=$((SECONDS + @@answerWaitSeconds@@))
until status="$(curl -s -o /dev/null -m 10 -w '%{http_code}' http://127.0.0.1:@@httpPort@@/)" && [ "$status" -ge 200 ] && [ "$status" -lt 500 ]; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    nlbt_fail "httpd did not answer through the upstream within @@answerWaitSeconds@@ s (last status: ${status:-none})"
  fi
  sleep 2
done
echo "serving: httpd answers through the upstream with status $status"
