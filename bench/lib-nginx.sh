# Shared by the static-repository bench scripts (sourced after lib.sh, with $work set): a real
# nginx serving $1 on 127.0.0.1 as plain files, its access log recording each request's body
# bytes. Sets $url, $nginx_pid and $nginx_log; nginx_stop ends it (the caller's EXIT trap).
# log_mark and bytes_since MARK give the bytes nginx sent since a mark.

nginx_start() {
  local root=$1 port
  mkdir -p "$work/nginx/tmp"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  nginx_log=$work/nginx/access.log
  cat > "$work/nginx/nginx.conf" <<CONF
daemon off;
user root root;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  log_format bytes '\$request_uri \$status \$body_bytes_sent';
  access_log $nginx_log bytes;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  sendfile on;
  server { listen 127.0.0.1:$port; root $root; }
}
CONF
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
  nginx_pid=$!
  url=http://127.0.0.1:$port
  for _ in $(seq 50); do curl -s -o /dev/null "$url/" && return 0; sleep 0.1; done
  say "nginx did not start: $(cat "$work/nginx/error.log" 2>/dev/null)"
  exit 1
}

nginx_stop() {
  if [[ -n ${nginx_pid:-} ]]; then kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true; fi
}

log_mark() { wc -l < "$nginx_log"; }
bytes_since() { tail -n +"$(($1 + 1))" "$nginx_log" | awk '{ s += $3 } END { print s + 0 }'; }
