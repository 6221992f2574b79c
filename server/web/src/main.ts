// Entry point: the routes of the admin interface (hash based, so the server needs
// only to serve this page) and the start-up.

import { route, start } from './app'
import { home } from './home'
import { domainPage, dnsRecordsPage, dnsCheckPage } from './domain'
import { accountPage } from './account'
import { queuePage } from './queue'
import { dmarcPage, dmarcReportsPage, dmarcReportPage, dmarcEvaluationsPage, dmarcEvaluationsDomainPage, tlsrptPage, tlsReportsPage, tlsReportPage, tlsResultsPage, tlsResultsDomainPage } from './reports'
import { mtastsPage, webserverPage, transportsPage, logLevelsPage, configPage, networkPage } from './settings'

route('', home)
route('domains/*', domainPage)
route('domains/*/dnsrecords', dnsRecordsPage)
route('domains/*/dnscheck', dnsCheckPage)
route('accounts/*', accountPage)
route('queue', queuePage)
route('dmarc', dmarcPage)
route('dmarc/reports', ctx => dmarcReportsPage(ctx))
route('dmarc/reports/*', dmarcReportsPage)
route('dmarc/reports/*/*', dmarcReportPage)
route('dmarc/evaluations', dmarcEvaluationsPage)
route('dmarc/evaluations/*', dmarcEvaluationsDomainPage)
route('tlsrpt', tlsrptPage)
route('tlsrpt/reports', ctx => tlsReportsPage(ctx))
route('tlsrpt/reports/*', tlsReportsPage)
route('tlsrpt/reports/*/*', tlsReportPage)
route('tlsrpt/results', tlsResultsPage)
route('tlsrpt/results/*/*', tlsResultsDomainPage)
route('mtasts', mtastsPage)
route('webserver', webserverPage)
route('transports', transportsPage)
route('loglevels', logLevelsPage)
route('config', configPage)
route('network', networkPage)

start()
