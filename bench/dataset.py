"""Synthetic data for the benchmarks, stored with the server's own CLI: DMARC aggregate
reports (imported as zips of XML reports, 10,000 per zip) and queued messages."""
import os, subprocess, zipfile

BASE = 1704067200  # 2024-01-01T00:00:00Z
DAYS = 200
DOMAINS = 50


def set_password(binary, data, password):
    """Creates the data directory (if new) with this admin password."""
    subprocess.run([binary, "--data", data, "set-admin-password"], input=password + "\n", text=True, check=True, capture_output=True)


def report_xml(i):
    """Report i: a one-day period on day i % DAYS, domain d{i % DOMAINS}.example, one
    record of 3 messages."""
    begin = BASE + (i % DAYS) * 86400
    d = f"d{i % DOMAINS}.example"
    return f"""<?xml version="1.0"?><feedback><report_metadata><org_name>bench.example</org_name><email>r@bench.example</email><report_id>r{i}</report_id><date_range><begin>{begin}</begin><end>{begin + 86399}</end></date_range></report_metadata><policy_published><domain>{d}</domain><p>reject</p></policy_published><record><row><source_ip>192.0.2.{i % 250}</source_ip><count>3</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>{d}</header_from></identifiers><auth_results><spf><domain>{d}</domain><result>fail</result></spf></auth_results></record></feedback>"""


def add_reports(binary, data, work, first, count, per=10000):
    """Imports reports first .. first+count-1 into the data directory."""
    for z in range(first, first + count, per):
        path = os.path.join(work, f"r{z}.zip")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for i in range(z, min(first + count, z + per)):
                zf.writestr(f"r{i}.xml", report_xml(i))
        subprocess.run([binary, "--data", data, "import", "dmarc", "--quiet", path], check=True, capture_output=True)
        os.remove(path)


def add_queue(binary, data, work, copies):
    """Queues `copies` copies of a small message."""
    path = os.path.join(work, "msg.eml")
    with open(path, "w") as f:
        f.write("From: mjl@example.org\r\nTo: remote@example.net\r\nSubject: bench\r\n\r\nHello.\r\n")
    subprocess.run([binary, "--data", data, "queue", "add", "--from", "mjl@example.org", "--to", "remote@example.net",
                    "--copies", str(copies), path], check=True, capture_output=True)
    os.remove(path)
